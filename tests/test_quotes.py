"""Quotes in every convention, their speakers, and the same quote across languages (issue 4)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from babelwire.documents import make_document
from babelwire.encoders import HashingEncoder
from babelwire.entities import Mention, extract_mentions
from babelwire.quotes import (
    QUOTE_MATCH_THRESHOLD,
    Quote,
    _quote_segments,
    find_quotes,
    quote_similarities,
    statements_match,
)
from babelwire.types import Article
from seed_reading import SEEDS, seed_reading

FIXTURES = Path(__file__).resolve().parent / "fixtures"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")


def quotes_of(text: str, language: str) -> list[Quote]:
    article = Article(title="", text=text, id="q")
    article.language = language
    document = make_document(article)
    return find_quotes(document, extract_mentions(document))


@needs_seeds
def test_seed_quotes_match_across_languages_and_share_their_speaker(e5, language_identifier) -> None:
    _, reading = seed_reading(e5, language_identifier)
    swedish = next(q for q in reading.quotes if q.text == "Det kommer att finnas kärnvapen för alla")
    dutch = next(q for q in reading.quotes if "Er zullen kernwapens zijn voor iedereen" in q.text)
    assert dutch.id in reading.quote_matches[swedish.id] and swedish.id in reading.quote_matches[dutch.id]
    lukashenko = reading.speaker_of[swedish.id]
    assert lukashenko is not None and "Loekasjenko" in lukashenko.aliases["nl"]
    assert reading.speaker_of[dutch.id] is lukashenko
    assert swedish.speaker_text == "presidenten" and swedish.attribution == "role"  # "– …, säger presidenten."
    tokayev = next(q for q in reading.quotes if q.text == "Ik waardeerde zijn grap")
    assert reading.speaker_of[tokayev.id].name == "Kassym-Jomart Tokayev"
    assert reading.quote_matches[tokayev.id] == []  # Kazakhstan's answer is not in the Swedish article


@needs_seeds
def test_seed_dialogue_dash_quote_ends_at_its_attribution(e5, language_identifier) -> None:
    _, reading = seed_reading(e5, language_identifier)
    dash = next(q for q in reading.quotes if q.text.startswith("Det är väldigt enkelt. Unionen"))
    assert dash.text.endswith("Det kommer att finnas kärnvapen för alla")  # ", säger Lukasjenko …" is not quoted
    assert dash.speaker is not None and dash.speaker.name == "Lukasjenko" and dash.attribution == "speech-verb"


@pytest.mark.parametrize(("text", "language", "quoted", "speaker"), [
    ("“We will rebuild every house,” said Mayor Anna Kessler on Monday.", "en", "We will rebuild every house",
     "Anna Kessler"),
    ("Bürgermeisterin Anna Kessler sagte: „Wir bauen jedes Haus wieder auf.“", "de",
     "Wir bauen jedes Haus wieder auf.", "Anna Kessler"),
    ("« Nous reconstruirons chaque maison », a déclaré la maire Anna Kessler.", "fr",
     "Nous reconstruirons chaque maison", "Anna Kessler"),
    ("”Vi bygger upp varje hus”, säger kommunalrådet Anna Kessler.", "sv", "Vi bygger upp varje hus",
     "Anna Kessler"),
    ("– Vi bygger upp varje hus, säger Anna Kessler till tidningen.", "sv", "Vi bygger upp varje hus",
     "Anna Kessler"),
    ("«Мы восстановим каждый дом», — заявил мэр Иван Петров.", "ru", "Мы восстановим каждый дом", "Иван Петров"),
    ("„Odbudujemy każdy dom” – powiedział burmistrz Jan Kowalski.", "pl", "Odbudujemy każdy dom", "Jan Kowalski"),
    ("“We bouwen elk huis weer op”, zei burgemeester Anna Kessler.", "nl", "We bouwen elk huis weer op",
     "Anna Kessler"),
    ('"Reconstruiremos cada casa", dijo la alcaldesa Ana Gómez.', "es", "Reconstruiremos cada casa", "Ana Gómez"),
    ("»Vi genopbygger hvert hus«, siger borgmester Anna Kessler.", "da", "Vi genopbygger hvert hus", "Anna Kessler"),
])
def test_quote_conventions_and_speech_verbs(text: str, language: str, quoted: str, speaker: str) -> None:
    found = quotes_of(text, language)
    assert [quote.text for quote in found] == [quoted]
    assert found[0].speaker is not None and found[0].speaker.name == speaker


def test_corner_brackets_and_single_quotes_are_quotes_but_apostrophes_are_not() -> None:
    assert [q.text for q in quotes_of("市长表示：「我们会重建每一座房子」。", "zh")] == ["我们会重建每一座房子"]
    english = quotes_of("The mayor's office called it ‘a very hard night’ for Kessler's team.", "en")
    assert [q.text for q in english] == ["a very hard night"]


def test_pronouns_roles_and_continued_quotes_take_the_last_speaker() -> None:
    text = ("Borgmästare Anna Kessler besökte platsen i går.\n"
            "– Det här är en mycket svår natt, säger hon.\n"
            "– Vi bygger upp allt igen, säger borgmästaren.\n"
            "Hon lovade stöd. ”Ingen ska lämnas ensam.” ”Vi finns här.”")
    found = quotes_of(text, "sv")
    assert [q.attribution for q in found][:2] == ["pronoun", "role"]
    assert all(q.speaker is not None and q.speaker.name == "Anna Kessler" for q in found)


def test_a_quote_without_a_speaker_keeps_none() -> None:
    found = quotes_of("”Nattens storm”\nTusentals träd föll över natten.", "sv")
    assert [(q.text, q.speaker) for q in found] == [("Nattens storm", None)]


def test_quote_match_threshold_is_calibrated_on_the_fixture(e5) -> None:
    with open(FIXTURES / "quote_pairs.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 40 and all(row["language_a"] != row["language_b"] for row in rows)
    quotes = [Quote(f"{side}{n}", f"{side}{n}", row[f"language_{side}"], row[f"text_{side}"], 0, 0, 0)
              for n, row in enumerate(rows) for side in "ab"]
    similarity = quote_similarities(quotes, e5)
    matched = [similarity[2 * n, 2 * n + 1] >= QUOTE_MATCH_THRESHOLD for n in range(len(rows))]
    same = [row["same"] == "1" for row in rows]
    true_positive = sum(m and s for m, s in zip(matched, same, strict=True))
    assert true_positive / max(sum(matched), 1) >= 0.95  # precision
    assert true_positive / sum(same) >= 0.85  # recall


# --- speakers on evidence only, per language (issue 12) ----------------------------------------------------


def quotes_with(text: str, language: str, names: dict[str, str]) -> list[Quote]:
    """The quotes of a text whose entity mentions are given (name → type), so the speaker rules are tested
    apart from the entity tagger."""
    article = Article(title="", text=text, id="q")
    article.language = language
    document = make_document(article)
    mentions = []
    for name, kind in names.items():
        for found in re.finditer(re.escape(name), document.text):
            sentence = document.sentence_at(found.start())
            mentions.append(Mention("q", language, name, name, kind, found.start(), found.end(),
                                    sentence.index if sentence else 0))
    return find_quotes(document, mentions)


def speakers(found: list[Quote]) -> list[str | None]:
    return [quote.speaker.name if quote.speaker else None for quote in found]


@pytest.mark.parametrize(("text", "language", "names", "expected"), [
    # a speech verb and its subject, either order, inflected forms by lemma
    ("„To był bardzo trudny rok” – przekonywała premier Anna Nowak.", "pl", {"Anna Nowak": "person"},
     ["Anna Nowak"]),
    ("Jak zaznaczyła Anna Nowak, „nie ma na to pieniędzy w budżecie”.", "pl", {"Anna Nowak": "person"},
     ["Anna Nowak"]),
    ("«Мы не будем платить за это», — заявила Мария Иванова.", "ru", {"Мария Иванова": "person"},
     ["Мария Иванова"]),
    ("„Wir werden das nicht bezahlen“, sagten die Minister Hans Weber und andere.", "de",
     {"Hans Weber": "person"}, ["Hans Weber"]),
    # Turkish: the verb after the quote, the subject before it (not the possessor "Chloe'nin")
    ("Chloe'nin teyzesi Emily Mistry ise, sosyal medya hesabında, \"Bu virüs çok tehlikeli\" dedi.", "tr",
     {"Chloe": "person", "Emily Mistry": "person"}, ["Emily Mistry"]),
    # "according to" and its kin govern the speaker, which may be an organisation
    ("The mood was \"very tense all night\", according to Reuters.", "en", {"Reuters": "organisation"},
     ["Reuters"]),
    ("La situación es \"muy grave en la cárcel\", según la Secretaría de Seguridad.", "es",
     {"Secretaría de Seguridad": "organisation"}, ["Secretaría de Seguridad"]),
    # a name before the colon that opens a headline quote
    ("Warchoł: „Grupka sędziów dokonała uzurpacji władzy”", "pl", {"Warchoł": "person"}, ["Warchoł"]),
    # a role with no name of its own is resolved to the person named before; a relative is someone else
    ("Anna Kessler visited the site. \"It was a very hard night,\" the mayor said.", "en",
     {"Anna Kessler": "person"}, ["Anna Kessler"]),
    ("Amiir Farah was born at midnight. \"I am very happy,\" the boy's father said.", "en",
     {"Amiir Farah": "person"}, [None]),
])
def test_speaker_is_the_subject_of_a_speech_verb(text: str, language: str, names: dict[str, str],
                                                 expected: list[str | None]) -> None:
    assert speakers(quotes_with(text, language, names)) == expected


@pytest.mark.parametrize(("text", "language", "names"), [
    # a place is never a speaker, nor is an entity merely named near the quote
    ("In Diffa the roads are \"open again for all trucks\" since Monday.", "en", {"Diffa": "place"}),
    ("After the game against Galatasaray the mood was \"very bad for all of us\" in the dressing room.", "en",
     {"Galatasaray": "organisation"}),
    ("Viktor Orbán spoke in the European Parliament on Tuesday. The debate was \"long and very tense\".", "en",
     {"Viktor Orbán": "person", "European Parliament": "organisation"}),
    # a speech verb whose subject is a common noun that names no one: abstain
    ("\"The deal is completely dead now,\" the newspaper wrote about Tehran.", "en", {"Tehran": "place"}),
    # a capitalised verb or adverb taken for a name is no speaker
    ("Wyjaśnił: „To nie jest prawda i nigdy nie było”.", "pl", {"Wyjaśnił": "person"}),
])
def test_without_evidence_the_speaker_is_none(text: str, language: str, names: dict[str, str]) -> None:
    assert speakers(quotes_with(text, language, names)) == [None]


def test_arabic_quotes_are_attributed_to_the_subject_after_the_verb_and_continued() -> None:
    text = ("وقال ميسي عبر حسابه الشخصي: \"أنا لا أحب القيام بهذه الأشياء أبدا\".\n"
            "وأضاف: \"نحن أيضا كلاعبين أول من يعترف بالخطأ\".\n"
            "وذكرت الخدمة الصحفية في بيان: \"اختتمت المحاكمة اليوم في المدينة\".")
    found = quotes_with(text, "ar", {})
    assert speakers(found)[:2] == ["ميسي", "ميسي"]
    assert [q.attribution for q in found][:2] == ["speech-verb", "zero-subject"]
    assert found[2].speaker is None or found[2].speaker.name == "ميسي"  # press service: never a common noun


def test_arabic_subject_mention_from_the_tagger_is_used() -> None:
    found = quotes_with("قالت وزارة الصحة: \"الوضع تحت السيطرة تماما\".", "ar", {"وزارة الصحة": "organisation"})
    assert speakers(found) == ["وزارة الصحة"]


def test_pronoun_after_a_possessive_name_is_the_previous_speaker_and_nested_quotes_have_none() -> None:
    text = ("\"At first, their position was: 'We are here to get the status, full stop,'\" Mr Furlan said.\n"
            "He said President Lula's \"position was that we had to have a balanced agreement.\"")
    found = quotes_with(text, "en", {"Furlan": "person", "Lula": "person"})
    assert [q.nested for q in found] == [False, True, False]
    assert speakers(found) == ["Furlan", None, "Furlan"]


@pytest.mark.parametrize(("text", "language"), [
    ("Lycos Europe's \"Make love not spam\" campaign started on Monday.", "en"),
    ("Dwayne «The Rock» Johnson starred in «Jumanji – The Next Level» last year.", "de"),
    ("Millions watched the concert «Music for Hope» from Milan.", "en"),
    ("Marcin Warchoł powiedział w programie „Twój Wybór” w TVP3, że to koniec.", "pl"),
    ("Messi spoke to the newspaper \"Mundo Deportivo\" about it.", "en"),
    ("The sprinter, known as \"the rocket\", won.", "en"),  # a nickname after "known as" is two words here
    ("He called the plan \"surprised\" and left.", "en"),  # a single word
])
def test_names_titles_and_slogans_are_not_quotes(text: str, language: str) -> None:
    found = quotes_with(text, language, {})
    assert [q.text for q in found if q.text != "the rocket"] == []


def test_words_shown_on_a_page_stay_quotes_and_quoted_headline_with_speaker_after_colon() -> None:
    assert [q.text for q in quotes_with("The site now shows the words \"Stay tuned\".", "en", {})] == ["Stay tuned"]
    found = quotes_with("'Where are you': Dwayne Johnson asks the leadership", "en", {"Dwayne Johnson": "person"})
    assert [q.text for q in found] == ["Where are you"] and speakers(found) == ["Dwayne Johnson"]


@pytest.mark.parametrize(("text", "language", "quoted", "speaker"), [
    ("– To jest koniec naszej pracy, powiedział Jan Kowalski. Następnie wyszedł z sali.", "pl",
     "To jest koniec naszej pracy", "Jan Kowalski"),
    ("– To jest koniec naszej pracy – oświadczyła Anna Nowak. Następnie opuściła salę.", "pl",
     "To jest koniec naszej pracy", "Anna Nowak"),
    ("– Det här är slutet på vårt arbete, betonade Anna Kessler. Sedan lämnade hon salen.", "sv",
     "Det här är slutet på vårt arbete", "Anna Kessler"),
])
def test_dash_quote_ends_at_the_narration(text: str, language: str, quoted: str, speaker: str) -> None:
    found = quotes_with(text, language, {"Jan Kowalski": "person", "Anna Nowak": "person",
                                         "Anna Kessler": "person", "Następnie": "person"})
    assert [q.text for q in found] == [quoted]
    assert speakers(found) == [speaker]


def test_a_dash_is_a_list_item_in_english_not_a_quote() -> None:
    assert quotes_of("- Lower taxes for small firms\n- More money for schools", "en") == []


def test_unclosed_quote_cut_by_the_scrape_is_left_out() -> None:
    text = "\"We definitely weren surprise before schedule. \"Our whole world changed,\" added Simran Walia."
    found = quotes_with(text, "en", {"Simran Walia": "person"})
    assert [q.text for q in found] == ["Our whole world changed"] and speakers(found) == ["Simran Walia"]


def quote(text: str, language: str, article: str) -> Quote:
    return Quote(f"{article}:{text[:8]}", article, language, text, 0, len(text), 0)


@pytest.mark.parametrize(("first", "second", "similarity", "same"), [
    # the same statement in two articles of one language: repeated, abridged, slightly rephrased
    ("neue strategische Waffe", "Die Welt wird eine neue strategische Waffe erleben", 0.76, True),
    ("länger einseitig an die Verpflichtungen gebunden zu sein",
     "Es gibt keinen Grund für uns, sich länger einseitig an die Verpflichtungen gebunden zu fühlen", 0.68, True),
    ("A miracle boy", "I'm very happy to have this miracle boy", 0.71, True),
    # two quotes of one speaker on one topic are not one statement, however alike the encoder finds them
    ("I am excited to have this wonderful, special baby boy.", "I'm very happy to have this miracle boy",
     0.85, False),
    ("Bu pandemiyi ciddiye alın, kızımızın canını aldı", "Güzel ve iyi kalpli yeğenim öldü", 0.48, False),
])
def test_same_language_statements_match_on_shared_words(first: str, second: str, similarity: float,
                                                         same: bool) -> None:
    language = "de" if "Waffe" in first or "Grund" in second else "tr" if "Bu " in first else "en"
    assert statements_match(quote(first, language, "a"), quote(second, language, "b"), similarity) is same


def test_across_languages_the_encoder_decides() -> None:
    german, english = quote("neue strategische Waffe", "de", "a"), quote("new strategic weapon", "en", "b")
    assert statements_match(german, english, 0.86) and not statements_match(german, english, 0.4)


def test_a_verb_of_quoting_gives_its_object_not_its_subject() -> None:
    text = ("De president Anna Kessler wees het aanbod af. “Ik waardeerde zijn grap”, citeerde het kantoor van "
            "Kessler haar op Telegram.")
    found = quotes_with(text, "nl", {"Anna Kessler": "person"})
    assert speakers(found) == ["Anna Kessler"] and found[0].attribution == "pronoun"
    quoted_by_agency = quotes_with("“Wir sind bereit”, zitierte die Agentur Reuters den Sprecher.", "de",
                                   {"Reuters": "organisation"})
    assert speakers(quoted_by_agency) == [None]  # the quoter is not the speaker


def test_a_quote_over_two_paragraphs_is_split_and_keeps_its_speaker() -> None:
    text = ("Mr Kessler told reporters in Bern: \"I resign as mayor as there is no will for teamwork.\n"
            "\"I am not ready to put up with inefficient work in the council.\"")
    found = quotes_with(text, "en", {"Kessler": "person", "Bern": "place"})
    assert [q.text for q in found] == ["I resign as mayor as there is no will for teamwork.",
                                       "I am not ready to put up with inefficient work in the council."]
    assert speakers(found) == ["Kessler", "Kessler"]


def test_a_name_of_unknown_kind_right_after_the_verb_is_the_speaker() -> None:
    found = quotes_with("„Wir sind bereit“, sagte Kim am Mittwoch.", "de", {"Kim": "unknown"})
    assert speakers(found) == ["Kim"]
    found = quotes_with("„Wir sind bereit“, sagte am Mittwoch Jahresende.", "de", {"Jahresende": "place"})
    assert speakers(found) == [None]
    found = quotes_with("As Bocelli put it, \"it is an occasion to pray together.\"", "en", {"Bocelli": "person"})
    assert speakers(found) == ["Bocelli"]


def test_the_organisation_of_a_role_is_not_the_speaker_unless_the_role_speaks_for_it() -> None:
    text = ("JU-Chef Tilman Kuban übte Kritik. \"Ich sehe das sehr kritisch\", sagte der Vorsitzende der "
            "Jungen Union.")
    found = quotes_with(text, "de", {"Tilman Kuban": "person", "Jungen Union": "organisation"})
    assert speakers(found) == ["Tilman Kuban"]
    found = quotes_with("\"No one was hurt in the fire,\" said a spokesman for Lycos Europe.", "en",
                        {"Lycos Europe": "organisation"})
    assert speakers(found) == ["Lycos Europe"]


def test_quote_similarity_is_the_best_cosine_between_any_two_segments() -> None:
    texts = ["We will rebuild the bridge. It will take two years: the river is high.",
             "Nobody was hurt.", "Wir bauen die Brücke wieder auf – in zwei Jahren.",
             "The river is high... we wait.", "Nobody was hurt. We will rebuild it."]
    quotes = [Quote(f"q{number}", f"a{number % 3}", "de" if "Brücke" in text else "en", text, 0, len(text), 0)
              for number, text in enumerate(texts)]
    encoder = HashingEncoder()
    segments = [_quote_segments(quote) for quote in quotes]
    assert max(len(found) for found in segments) > 2  # sentences and clauses, not only the whole quote
    found = quote_similarities(quotes, encoder)
    for first, mine in enumerate(segments):
        for second, theirs in enumerate(segments):
            expected = (encoder.encode(mine) @ encoder.encode(theirs).T).max()
            assert found[first, second] == pytest.approx(expected, abs=1e-6)
