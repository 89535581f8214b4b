"""Entity mentions (people, organisations, places) in every supported language, behind a tagger protocol.

The rule tagger runs everywhere: capitalised word sequences (with sentence starts, titles, possessive and
genitive endings, ``EU:s``, connectors such as *of the* handled), gazetteer names, and cue words that
give a type (*president* → person, *nyhetsbyrån* → organisation). Statistical taggers add to it where they
are installed: natasha for Russian, spaCy's ``fr_core_news_sm`` for French. Register more with
:func:`register_tagger`. A mention the rules are unsure of (a capitalised word at a sentence start, a
lone German noun) is kept with ``confident=False``; entity linking keeps it only when it joins a sure one.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import Protocol

from babelwire import lang
from babelwire.documents import Document, Sentence
from babelwire.gazetteer import SUBSTRING_LANGUAGES, Gazetteer, GazetteerEntry, default_gazetteer
from babelwire.lemmas import is_common_word, is_known_word, lemma
from babelwire.lexicon import (
    CAPITALISE_NOUNS,
    CAPITALISED_COMMON,
    DEMONYM_ENDINGS,
    FUNCTION_WORDS,
    GERMAN_DETERMINERS,
    GERMAN_NOUN_ENDINGS,
    NAME_CONNECTORS,
    ORGANISATION_CUES,
    ORGANISATION_WORDS,
    PLACE_WORDS,
    TITLE_CASE_LANGUAGES,
    census_surnames,
    given_name_keys,
    is_title,
    speech_verbs,
)
from babelwire.names import spelling_key
from babelwire.types import ORGANISATION, PERSON, PLACE, UNKNOWN

log = logging.getLogger(__name__)

#: the evidence of an organisation named after a word for a newspaper, channel or agency: a source, never a speaker
PUBLICATION = "publication"
#: names of taggers not to load, comma separated (``BABELWIRE_DISABLED_TAGGERS=spacy-fr,natasha``)
DISABLED_TAGGERS_VARIABLE = "BABELWIRE_DISABLED_TAGGERS"

#: a word, or an abbreviation written with full stops (U.S., E.U.)
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|\w(?:[\w'’-]*\w)?")
#: an elided article or preposition before a capitalised word (French, Italian, Catalan): l'Anses, dell'Onu
_ELISION = re.compile(r"^(?i:[ldjmnst]|qu|dell|all|dall|nell|sull|coll|quell)['’](?=[A-ZÀ-ÖØ-Þ])")
_ELIDED_WORD = re.compile(r"^(?i:[ldjmnst]|qu|dell|all|dall|nell|sull|coll|quell)['’][a-zà-öø-ÿ]")
#: a possessive or case ending after an apostrophe: Loekasjenko’s, Putin's, Erdoğan'ın, Gaziemir’deki
_CLITIC = re.compile(r"^(?P<base>\w[\w-]*?)['’](?P<suffix>[^\W\d_]{1,5})$")
#: characters after which the next word starts a sentence (or a quote, or a line of dialogue)
_OPENERS = frozenset('.!?:;"“”„«»–—-()[]‘\'’…')
#: a city this large is named as such even where its name is also a dictionary word (Paris, German Berlin)
LARGE_CITY = 100_000
#: in a script without capitals, a one-word town name is taken without a place cue above this size
MILLION_CITY = 1_000_000
#: gazetteer ids of the packaged towns, subdivisions and regions (GeoNames ids, ISO and CLDR codes), which
#: are ambiguous (Lycos Europe, Rio Doce)
_PACKAGED_TOWN = re.compile(r"city:\d|subdivision:|region:")
#: a gazetteer name is tried over at most this many words
_MAX_GAZETTEER_WORDS = 6


@dataclass(frozen=True)
class Mention:
    """One mention of a named entity in one article."""

    article_id: str
    language: str
    text: str  # as written, an ending such as ’s or :s included
    name: str  # without title or possessive ending
    type: str  # person | organisation | place | unknown
    start: int  # offsets into the document (title, newline, text)
    end: int
    sentence: int
    tagger: str = "rules"
    confident: bool = True
    gazetteer_id: str | None = None
    title: str | None = None
    evidence: str | None = None  # the cue behind the type: gazetteer, title, organisation-cue, model …

    @property
    def words(self) -> list[str]:
        """The name's words."""
        return self.name.split()


class EntityTagger(Protocol):
    """Finds entity mentions in a document."""

    name: str

    def tag(self, document: Document) -> list[Mention]:
        """Every mention the tagger finds, in document order."""
        ...


# --- the rule tagger -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str  # without a possessive ending
    surface: str  # as written, an ending after an apostrophe included
    start: int  # document offsets of the name, without an ending after an apostrophe
    end: int
    capitalised: bool
    opens_sentence: bool
    shouting: bool = False  # an all-capitals word among others: a headline or subhead set in capitals


def _is_capitals(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _words_of(sentence: Sentence) -> list[_Word]:
    words = []
    text = sentence.text
    for match in _WORD.finditer(text):
        word, begin, end = match.group(0), match.start(), match.end()
        elision = _ELISION.match(word)
        if elision:  # l'Anses, d'Asie, dell'Onu: the article is no part of the name
            word, begin = word[elision.end():], begin + elision.end()
        elif _ELIDED_WORD.match(word):  # L'euphorie: a common noun after an elided article
            word = word.lower()
        clitic = _CLITIC.match(word)
        if clitic and clitic["base"][:1].isupper() and clitic["suffix"].islower():
            # the name stops at the apostrophe: China's, Slovenya'da, Kara'nın are China, Slovenya, Kara
            word = clitic["base"]
            end = begin + len(word)
        before = text[: match.start()].rstrip()
        opens = not before or before[-1] in _OPENERS
        words.append(_Word(word, text[begin:match.end()], sentence.start + begin, sentence.start + end,
                           word[:1].isupper() and not any(char.isdigit() for char in word), opens))
    return _mark_shouting(words)


def _mark_shouting(words: list[_Word]) -> list[_Word]:
    """Mark the all-capitals words of a stretch set in capitals (two or more such words, one longer than 4
    letters: PANDEMİYİ CİDDİYE ALIN), where capitals say nothing of names; lone acronyms (KCNA, UN) stay."""
    marked = list(words)
    index = 0
    while index < len(words):
        end = index
        while end < len(words) and _is_capitals(words[end].text):
            end += 1
        stretch = words[index:end]
        if len(stretch) >= 2 and any(len(word.text) > 4 for word in stretch):
            for position in range(index, end):
                marked[position] = replace(words[position], shouting=True)
        index = max(end, index + 1)
    return marked


def _adjacent(sentence: Sentence, first: _Word, second: _Word) -> bool:
    """Whether only a single space separates two words (no punctuation between them), or the first is an
    initial with its full stop (R. Kelly, Ann M. Donnelly)."""
    gap = sentence.text[first.end - sentence.start : second.start - sentence.start]
    return gap == " " or (gap == ". " and len(first.text) == 1 and first.text.isupper())


def _capitalised_runs(sentence: Sentence, words: list[_Word]) -> list[list[_Word]]:
    """Maximal runs of capitalised words, joined by connectors such as 'of the' between capitalised words."""
    runs: list[list[_Word]] = []
    index = 0
    while index < len(words):
        if not words[index].capitalised:
            index += 1
            continue
        run = [words[index]]
        index += 1
        while index < len(words) and _adjacent(sentence, run[-1], words[index]):
            if words[index].capitalised:
                run.append(words[index])
                index += 1
                continue
            connectors = []
            probe = index
            while (probe < len(words) and not words[probe].capitalised and len(connectors) < 3
                   and words[probe].text.casefold() in NAME_CONNECTORS
                   and _adjacent(sentence, (connectors or run)[-1], words[probe])):
                connectors.append(words[probe])
                probe += 1
            if connectors and probe < len(words) and words[probe].capitalised \
                    and _adjacent(sentence, connectors[-1], words[probe]):
                run.extend(connectors)
                index = probe
                continue
            break
        runs.append(run)
    return runs


def _word_key(word: str) -> str:
    return spelling_key(word.split("-")[0])


def _is_given_name(word: str) -> bool:
    if not word[:1].isupper():  # "del", "van" in a name are connectors, whatever a census lists
        return False
    keys = given_name_keys()
    return spelling_key(word) in keys or _word_key(word) in keys


def _has_speech_verb_beside(sentence: Sentence, run: list[_Word], language: str) -> bool:
    """Whether a speech verb stands just before or just after the words (zei Loekasjenko, Putin said)."""
    before = sentence.text[: run[0].start - sentence.start].casefold().rstrip(" ,")
    after = sentence.text[run[-1].end - sentence.start :].casefold().lstrip(" ,")
    for verb in speech_verbs(language):
        if before.endswith(verb) and (len(before) == len(verb) or not before[-len(verb) - 1].isalnum()):
            return True
        if after.startswith(verb) and (len(after) == len(verb) or not after[len(verb)].isalnum()):
            return True
    return False


@dataclass(frozen=True)
class _Context:
    """What the whole document says about its words: which are ordinary words, which end a person's name."""

    language: str
    lower_words: frozenset[str]  # words written in lower case somewhere in the document
    ordinary_lemmas: frozenset[str]  # their lemmas: a capitalised word with one of these is no name
    name_tails: frozenset[str]  # last words of multi-word names that start with a given name (Hari Kostov)
    recurring: frozenset[str] = frozenset()  # words written capitalised two or more times, never in lower case


def _context(document: Document) -> _Context:
    lower = frozenset(match.group(0) for match in _WORD.finditer(document.text) if match.group(0).islower())
    language = document.language
    tails = set()
    for sentence in document.sentences:
        words = _words_of(sentence)
        for run in _capitalised_runs(sentence, words):
            if 1 < len(run) <= 3 and not any(word.shouting for word in run) and not run[0].opens_sentence \
                    and not any(word.text.casefold() in NAME_CONNECTORS for word in run):
                tails.add(run[-1].text)  # Hari Kostov, Sıla Kara: a first name and a surname
    capitalised = Counter(match.group(0) for match in _WORD.finditer(document.text) if match.group(0)[:1].isupper())
    recurring = frozenset(word for word, count in capitalised.items() if count > 1 and word.casefold() not in lower)
    return _Context(language, lower, frozenset(lemma(word, language) for word in lower), frozenset(tails),
                    recurring)


def _is_ordinary(word: _Word, context: _Context) -> bool:
    """A capitalised word the document also writes in lower case (Performing / performed), so no name.

    Only for languages that set headlines in title case (English): elsewhere a capitalised common word in
    the middle of a sentence is part of a name (Centro Regional de Reinserción Social, Sąd Najwyższy).
    """
    if context.language not in TITLE_CASE_LANGUAGES or _is_given_name(word.text) \
            or word.text.casefold() in NAME_CONNECTORS:
        return False
    folded = word.text.casefold()
    return folded in context.lower_words or lemma(folded, context.language) in context.ordinary_lemmas


def _head_word(word: _Word, words: frozenset[str], language: str) -> bool:
    """Whether a word, or its lemma (Sądowi → sąd, Takımı → takım), is one of the given head nouns."""
    folded = word.text.casefold()
    return folded in words or lemma(folded, language) in words


def _looks_like_german_noun(word: str) -> bool:
    return word.casefold().endswith(GERMAN_NOUN_ENDINGS) or word.casefold() in ORGANISATION_CUES or is_title(word)


@dataclass
class RuleTagger:
    """Capitalisation, gazetteer and cue-word rules for every language written with letter case."""

    gazetteer: Gazetteer | None = None
    name: str = "rules"

    def __post_init__(self) -> None:
        self.gazetteer = self.gazetteer or default_gazetteer()

    def tag(self, document: Document) -> list[Mention]:
        knowledge = lang.get(document.language)
        if knowledge is not None and hasattr(knowledge, "ORGANISATION_HEADS") and hasattr(knowledge, "PROCLITICS"):
            return UncasedTagger(self.gazetteer, knowledge).tag(document)
        if document.language in SUBSTRING_LANGUAGES:
            return self._tag_substrings(document)
        context = _context(document)
        mentions = []
        for sentence in document.sentences:
            mentions.extend(self._tag_sentence(document, sentence, context))
        return _with_nicknames(document, mentions)

    def _tag_substrings(self, document: Document) -> list[Mention]:
        assert self.gazetteer is not None
        mentions = []
        for start, end, entry in self.gazetteer.find_substrings(document.text, document.language):
            sentence = document.sentence_at(start)
            surface = document.text[start:end]
            mentions.append(Mention(document.article_id, document.language, surface, surface, entry.type, start,
                                    end, sentence.index if sentence else 0, gazetteer_id=entry.id))
        return sorted(mentions, key=lambda mention: mention.start)

    def _tag_sentence(self, document: Document, sentence: Sentence, context: _Context) -> list[Mention]:
        words = _words_of(sentence)
        claimed: set[int] = set()  # indices of words inside a gazetteer name
        mentions = []
        for run in _capitalised_runs(sentence, words):
            while len(run) > 1 and run[0].opens_sentence and run[0].text.casefold() in FUNCTION_WORDS:
                run = run[1:]
            # a head noun opening the sentence before a place is an ordinary noun: "Takım Slovenya'da …"
            # (but "Trybunał Konstytucyjny orzekł …" is a court)
            before_place = run[0].opens_sentence and len(run) == 2 \
                and self.gazetteer.lookup([run[1].text], document.language) is not None
            heads = run[1:] if before_place else run
            if len(run) > 1 and not any(word.shouting for word in run) \
                    and any(_head_word(word, ORGANISATION_WORDS, document.language) for word in heads):
                run = self._without_leading_nouns(run, context)
                # a common word opening the sentence is no part of the name ("Ülkemizde de Sağlık Bakanlığı")
                while len(run) > 1 and run[0].opens_sentence and is_common_word(run[0].text, document.language) \
                        and not _head_word(run[0], ORGANISATION_WORDS, document.language) \
                        and self.gazetteer.lookup([run[0].text], document.language) is None:
                    run = run[1:]
                    while len(run) > 1 and run[0].text.casefold() in NAME_CONNECTORS:
                        run = run[1:]
                mentions.append(self._organisation_run(document, sentence, run))
                claimed.update(words.index(word) for word in run)
        mentions.extend(self._gazetteer_mentions(document, sentence, words, claimed, context))
        mentions.extend(self._hyphen_mentions(document, sentence, words, claimed))
        for run in _capitalised_runs(sentence, words):
            for piece in _split_claimed(run, words, claimed):
                mention = self._classify(document, sentence, piece, words, context)
                if mention is not None:
                    mentions.append(mention)
        return sorted(mentions, key=lambda mention: mention.start)

    @staticmethod
    def _without_leading_nouns(run: list[_Word], context: _Context) -> list[_Word]:
        """German capitalises the nouns before a name: Nachrichtenagentur KCNA, Mitgliedern der Partei …"""
        if context.language not in CAPITALISE_NOUNS:
            return run
        while len(run) > 1 and _looks_like_german_noun(run[0].text) and not _is_given_name(run[0].text):
            run = run[1:]
            while len(run) > 1 and run[0].text.casefold() in NAME_CONNECTORS:
                run = run[1:]
        return run

    def _organisation_run(self, document: Document, sentence: Sentence, run: list[_Word]) -> Mention:
        assert self.gazetteer is not None
        entry = self.gazetteer.lookup([word.text for word in run], document.language)
        kind = PLACE if any(_head_word(word, PLACE_WORDS, document.language) for word in run) else ORGANISATION
        return _mention(document, sentence, run, kind if entry is None else entry.type,
                        confident=True, gazetteer_id=entry.id if entry else None,
                        evidence="gazetteer" if entry else "organisation-word")

    def _gazetteer_mentions(self, document: Document, sentence: Sentence, words: list[_Word],
                            claimed: set[int], context: _Context) -> list[Mention]:
        assert self.gazetteer is not None
        mentions = []
        index = 0
        while index < len(words):
            word = words[index]
            if index in claimed or not word.capitalised:
                index += 1
                continue
            span = [word]
            while len(span) < _MAX_GAZETTEER_WORDS and index + len(span) < len(words) \
                    and _adjacent(sentence, span[-1], words[index + len(span)]):
                span.append(words[index + len(span)])
            found = self.gazetteer.longest_match([w.text for w in span], document.language)
            if found is None or self._not_a_place(sentence, words, index, found, context):
                index += 1
                continue
            size, entry = found
            if any(not w.capitalised and w.text.casefold() not in NAME_CONNECTORS for w in span[1:size]):
                index += 1  # "Le cap" is a cape, "Le Cap" the city
                continue
            mentions.append(_mention(document, sentence, span[:size], entry.type, confident=True,
                                     gazetteer_id=entry.id, evidence="gazetteer"))
            claimed.update(range(index, index + size))
            index += size
        return mentions

    def _hyphen_mentions(self, document: Document, sentence: Sentence, words: list[_Word],
                         claimed: set[int]) -> list[Mention]:
        """Names at the head of hyphenated compounds: US-Präsident, EU-Kommission, Nato-Gipfel."""
        assert self.gazetteer is not None
        mentions = []
        for index, word in enumerate(words):
            if index in claimed or "-" not in word.text or not word.capitalised:
                continue
            head, rest = word.text.split("-", 1)
            entry = self.gazetteer.lookup([head], document.language) if len(head) >= 2 else None
            if entry is None or not rest or not (rest[:1].islower() or is_title(rest) or document.language
                                                  in CAPITALISE_NOUNS):
                continue
            part = replace(word, text=head, end=word.start + len(head))
            mentions.append(_mention(document, sentence, [part], entry.type, confident=True,
                                     gazetteer_id=entry.id, evidence="gazetteer"))
        return mentions

    @staticmethod
    def _not_a_place(sentence: Sentence, words: list[_Word], index: int, found: tuple[int, GazetteerEntry],
                     context: _Context) -> bool:
        """A one-word gazetteer name that is here part of a person's name (Jordan Peterson, Sıla Kara, Hari
        Kostov … Kostov) or an ordinary word."""
        size, entry = found
        word = words[index]
        if size > 1:
            return False
        following = words[index + 1] if index + 1 < len(words) else None
        previous = words[index - 1] if index > 0 else None
        if _is_given_name(word.text) and following is not None and following.capitalised \
                and _adjacent(sentence, word, following):
            return True
        if _PACKAGED_TOWN.match(entry.id):
            # a town's name inside a longer capitalised name (Rio Doce, Sıla Kara) or used as a surname the
            # article gave a person; and, unless a large city (Paris, German Berlin), one that is also a given
            # name (Kim, George) or an ordinary word (Centro, Best, Mai)
            if previous is not None and previous.capitalised and not previous.shouting \
                    and _adjacent(sentence, previous, word) and not (
                        previous.opens_sentence and (previous.text.casefold() in FUNCTION_WORDS
                                                     or is_common_word(previous.text, context.language))):
                return True  # "Lycos Europe", but not "In Paris" at a sentence's start
            if following is not None and following.capitalised and not following.shouting \
                    and _adjacent(sentence, word, following) and not (
                        context.language in CAPITALISE_NOUNS and is_common_word(following.text, context.language)):
                return True  # "Rio Doce", but not German "Mailands Bürgermeister"
            if word.text in context.name_tails:
                return True
            if entry.population < LARGE_CITY and (_is_given_name(word.text)
                                                  or is_common_word(word.text, context.language)):
                return True
        return word.opens_sentence and word.text.casefold() in context.lower_words

    def _classify(self, document: Document, sentence: Sentence, run: list[_Word], words: list[_Word],
                  context: _Context) -> Mention | None:
        language = document.language
        if any(word.shouting for word in run):
            return None
        position = words.index(run[0])
        # an elided article belongs to the word before: l'agence, dell'agenzia
        previous = re.split(r"['’]", words[position - 1].text)[-1] if position > 0 else ""
        opens_sentence = run[0].opens_sentence
        title = previous if previous and not words[position - 1].capitalised and is_title(previous) else None
        # a sentence-initial word that is also written in lower case is an ordinary word
        while run and run[0].opens_sentence and (run[0].text.casefold() in FUNCTION_WORDS
                                                 or run[0].text.casefold() in context.lower_words):
            previous = run[0].text
            run = run[1:]
            opens_sentence = False
        # a capitalised word opening a sentence before a name is an ordinary noun (Inwoners van Wierzbowo)
        # unless it is a given name or a title
        if run and run[0].opens_sentence and len(run) > 1 and not _is_given_name(run[0].text) \
                and not is_title(run[0].text) and len(run[0].text) > 1 \
                and (language in CAPITALISE_NOUNS or is_common_word(run[0].text, language)):
            # (an initial stays: R. Kelly; so does a word no dictionary knows: Lycos Europe)
            previous, run = run[0].text, run[1:]
            while run and run[0].text.casefold() in NAME_CONNECTORS:
                run = run[1:]
            opens_sentence = False
        # a capitalised German article inside a run begins a new sentence or caption (Antonio Perez Der Sänger)
        if language in CAPITALISE_NOUNS:
            cut = next((i for i, word in enumerate(run) if i and word.text.casefold() in GERMAN_DETERMINERS), None)
            run = run[:cut] if cut else run
        # headline case: words the text also writes in lower case end the name (Bocelli Performing Live)
        for cut, word in enumerate(run):
            if cut and _is_ordinary(word, context):
                run = run[:cut]
                break
        while run and (_is_ordinary(run[0], context) or run[0].text.casefold() in ORGANISATION_CUES) \
                and len(run) > 1:
            previous, run = run[0].text, run[1:]
        run = self._without_leading_nouns(run, context) if run else run
        # common words before a given name or a title are descriptions (Armenier Dawit Mirzojan, Energy
        # Minister …); an unknown word there is a first name (Deeq Mohammed Farah)
        start = next((i for i, word in enumerate(run) if _is_given_name(word.text) or is_title(word.text)), 0)
        if start > 0 and (start < len(run) - 1 or language in CAPITALISE_NOUNS) and (
                language in CAPITALISE_NOUNS or all(
                is_common_word(word.text, language) or is_title(word.text) or _is_demonym(word.text, language)
                for word in run[:start])):  # German capitalises the nouns that describe a person
            previous, run = run[start - 1].text, run[start:]
        # month and weekday names (CLDR, every language) split a run: "Mart Perşembe Koronavirüs"
        calendar = [i for i, word in enumerate(run) if _is_calendar_word(word.text, language, abbreviated=False)]
        if calendar:
            pieces = [run[a + 1:b] for a, b in pairwise([-1, *calendar, len(run)])]
            run = max(pieces, key=len)
        while run and ((is_title(run[0].text) and len(run) > 1) or run[0].text.casefold() in CAPITALISED_COMMON):
            if is_title(run[0].text):
                title = run[0].text
            run = run[1:]
            opens_sentence = False
        while run and run[0].text.casefold() in NAME_CONNECTORS:  # left behind by a word taken off the front
            run = run[1:]
        while run and run[-1].text.casefold() in NAME_CONNECTORS:
            run = run[:-1]
        if not run or any(word.text.casefold() in CAPITALISED_COMMON for word in run):
            return None
        text = run[0].text
        if len(run) == 1 and (len(text) < 2 or text.isdigit() or _is_demonym(text, language)):
            return None
        if len(run) == 1 and not opens_sentence and _is_ordinary(run[0], context):
            return None
        after_number = position > 0 and words[position - 1].text.isdigit()
        # an ending after an apostrophe (Erdoğan'ın, Putin's) marks a proper name: Turkish writes it only there
        marked = run[0].surface != run[0].text
        if len(run) == 1 and ("." in text or (title is None and not marked
                                              and _is_lone_common_word(text, language, context))
                              or (after_number and _is_calendar_word(text, language))):
            return None  # C.E.O. is no name; nor "General", "Güncelleme" standing alone, nor "13 Nov"
        if language in CAPITALISE_NOUNS and len(run) == 1 and previous.casefold() in GERMAN_DETERMINERS:
            return None  # die Regierung, der Präsident: a noun with its article
        kind, confident, evidence = self._type_of(run, previous, title, opens_sentence, sentence, language)
        return _mention(document, sentence, run, kind, confident=confident, title=title, evidence=evidence)

    def _ends_like_a_business(self, run: list[_Word], language: str) -> bool:
        """A name that no dictionary starts but a common word or a country ends (Heise Online, Lycos Europe)
        names a business, not a person: a surname is rarely a dictionary word after a first name that no
        dictionary knows."""
        first, last = run[0].text, run[-1].text
        # the dictionaries also hold many given names (Jacek, Marcin) but no brand: ask for an unknown word
        if is_known_word(first, language) or "." in first or any(
                is_title(word.text) or _is_given_name(word.text) for word in run):
            return False
        entry = self.gazetteer.lookup([last], language) if self.gazetteer is not None else None
        if entry is not None:  # a country or a continent, not a town (Farah is also a surname)
            return entry.type == PLACE and not entry.id.startswith("city:")
        # a surname may be a rare dictionary word too (Malkin, Shah): the census knows it as a surname
        return is_common_word(last, language) and last.casefold() not in census_surnames()

    def _type_of(self, run: list[_Word], previous: str, title: str | None, opens_sentence: bool,
                 sentence: Sentence, language: str) -> tuple[str, bool, str | None]:
        """A run's type, whether the rules are sure of it, and the cue that says so."""
        first = run[0].text
        if len(run) == 1 and first.isupper() and 2 <= len(first) <= 6:
            return ORGANISATION, not opens_sentence, "acronym"
        if previous.casefold() in ORGANISATION_CUES:
            return ORGANISATION, True, "organisation-cue"
        if any(_head_word(word, PLACE_WORDS, language) for word in run) and len(run) > 1:
            return PLACE, True, "place-word"
        if title is not None:
            return PERSON, True, "title"
        if _is_given_name(first) and len(run) > 1:
            return PERSON, True, "given-name"
        nouns_capitalised = language in CAPITALISE_NOUNS
        if len(run) > 1 and not nouns_capitalised and self._ends_like_a_business(run, language):
            return ORGANISATION, not opens_sentence, "name-ending"
        if _has_speech_verb_beside(sentence, run, language):
            return PERSON, not opens_sentence or len(run) > 1, "speech-verb"
        if len(run) > 1 and not nouns_capitalised \
                and any(word.text.casefold() in NAME_CONNECTORS for word in run[1:-1]):
            # capitalised words joined by "de", "of", "der" with no given name: an institution's or a place's
            # name (Secretaría de Seguridad Pública, Organización Mundial de Boxeo) more often than a person's
            return ORGANISATION, not opens_sentence, "connector-name"
        if len(run) > 1:
            return (UNKNOWN, False, None) if nouns_capitalised else (PERSON, not opens_sentence, None)
        # a word the language's dictionary does not know is most likely a name (Bocelli, Mascagni, Embraer)
        unknown_word = not is_known_word(first, language) and not (
            "-" in first and is_known_word(first.rsplit("-", 1)[1], language))  # Flirt-Shows: a compound noun
        return UNKNOWN, unknown_word or not (opens_sentence or nouns_capitalised), None


#: a quoted nickname between the words of a name: Dwayne “The Rock” Johnson, Jorge «La Hiena» Barrios
_NICKNAME = re.compile(r"\s+[“\"«»„‘]([^\W\d_][^“”\"«»„\n]{0,30}?)[”\"»«“’]\s+")
_SURNAME = re.compile(r"[^\W\d_a-zà-ÿ][\w'’-]*\b")


def _with_nicknames(document: Document, mentions: list[Mention]) -> list[Mention]:
    """Join a name, its quoted nickname and the capitalised surname after it into one person (named without
    the nickname); the mentions found inside are dropped."""
    joined: list[Mention] = []
    inside: tuple[int, int] | None = None
    for mention in sorted(mentions, key=lambda m: m.start):
        if inside and inside[0] <= mention.start < inside[1]:
            continue
        nickname = _NICKNAME.match(document.text, mention.end)
        surname = _SURNAME.match(document.text, nickname.end()) if nickname else None
        if surname is not None and nickname.group(1)[:1].isupper() and mention.type in (PERSON, UNKNOWN):
            inside = (mention.end, surname.end())
            mention = replace(mention, end=surname.end(), text=document.text[mention.start:surname.end()],
                              name=f"{mention.name} {surname.group(0)}", type=PERSON, confident=True,
                              evidence="nickname")
        joined.append(mention)
    return joined


#: a short name defined in brackets right after a long one: "Agence nationale … (Anses)", "Sądu Najwyższego (SN)"
_DEFINED_SHORT = re.compile(r"\s*\(\s*([^\W\d_][^\W_]{1,11})\s*\)")
#: the rest of a long name a tagger cut short before its definition: ", environnement, travail (Anses)"
_NAME_REST = re.compile(r"(?:,?\s+[^\W\d_A-Z][\w'’-]*){1,4}(?=\s*\()")
#: weak type evidence a definition overrides
_WEAK_EVIDENCE = frozenset({None, "model", "speech-verb"})


def _with_defined_shorts(document: Document, mentions: list[Mention]) -> list[Mention]:
    """A capitalised short form in brackets right after a typed name of several words names the same thing:
    it gets the long name's type (found or not before), and so do its other mentions whose type rests on
    weak evidence (a model's guess, a speech verb: "the Anses said"). The brackets also mark where the long
    name ends, when a tagger cut it short before a few lower-case words."""
    shorts: list[Mention] = []
    longs: dict[int, Mention] = {}
    for position, mention in enumerate(mentions):
        if mention.type not in (ORGANISATION, PLACE) or len(mention.words) < 2:
            continue  # "Senator Jane Doe (Utah)" gives the person's state, not her short name
        end = mention.end
        match = _DEFINED_SHORT.match(document.text, end)
        rest = _NAME_REST.match(document.text, end) if match is None else None
        if rest is not None:  # a few lower-case words between: only a short form with the name's initial
            match = _DEFINED_SHORT.match(document.text, rest.end())
            if match is not None and match.group(1)[:1].casefold() != mention.name[:1].casefold():
                match = None
            end = rest.end()
        if match is None or not match.group(1)[:1].isupper() or any(
                m.gazetteer_id and m.start == match.start(1) for m in mentions):
            continue  # "the Colorado River Authority (Colorado)": a known place stays that place
        short = match.group(1)
        shorts.append(Mention(mention.article_id, mention.language, short, short, mention.type,
                              match.start(1), match.end(1), mention.sentence, confident=True,
                              evidence="defined-short"))
        if end != mention.end:
            text = document.text[mention.start:end]
            longs[position] = replace(mention, end=end, text=text, name=" ".join(text.split()))
    if not shorts:
        return mentions
    types = {short.name: short.type for short in shorts}
    spans = [(short.start, short.end) for short in shorts]
    result = []
    for position, mention in enumerate(mentions):
        mention = longs.get(position, mention)
        if any(mention.start < end and start < mention.end for start, end in spans) and position not in longs:
            continue  # the short form itself, found before without its definition
        if mention.name in types and mention.evidence in _WEAK_EVIDENCE:
            mention = replace(mention, type=types[mention.name], confident=True, evidence="defined-short")
        result.append(mention)
    return sorted([*result, *shorts], key=lambda m: m.start)


def _with_business_heads(mentions: list[Mention]) -> list[Mention]:
    """A lone word typed on weak evidence ("Lycos said") that begins an organisation's longer name in the
    same article (Lycos Europe) is that organisation, unless a person's full name ends with it (Donald
    Trump … the Trump Organization)."""
    heads = {m.words[0] for m in mentions if m.type == ORGANISATION and len(m.words) > 1}
    surnames = {m.words[-1] for m in mentions if m.type == PERSON and len(m.words) > 1
                and m.evidence not in _WEAK_EVIDENCE}
    return [replace(m, type=ORGANISATION, evidence="organisation-head")
            if len(m.words) == 1 and m.name in heads and m.name not in surnames and m.evidence in _WEAK_EVIDENCE
            else m for m in mentions]


def _is_lone_common_word(word: str, language: str, context: _Context) -> bool:
    """A month or weekday name, or a dictionary word capitalised alone (a sentence's first word, a heading, an
    institution named by a common noun: el Gobierno), unless the article uses it as a person's surname (Sıla
    Kara … Kara) or writes it capitalised again and again and never in lower case (Lula, not squid)."""
    # German capitalises nouns and its dictionary holds names too (Johnson): there lone words are weighed
    # by the dictionary's silence instead (see _type_of)
    if _is_calendar_word(word, language, abbreviated=False):  # a month or weekday written out
        return True
    # an inflected form (Twitterze, Kurskiego, Anses) is left alone: in languages with cases the dictionaries
    # hold the case forms of names and of words derived from them, so a capitalised one is likely a name
    return language not in CAPITALISE_NOUNS and not word.isupper() and word not in context.name_tails \
        and word not in context.recurring and is_common_word(word, language) \
        and lemma(word, language) == word.casefold()


@cache
def _calendar_words(language: str, abbreviated: bool) -> frozenset[str]:
    """Month and weekday names in the language (CLDR through babel), with their abbreviations ("Nov", "Sáb";
    but Polish "lis" is also a surname, so callers take abbreviations only beside a number)."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:
        return frozenset()
    try:
        locale = Locale.parse("nb" if language == "no" else language)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    found = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in ("abbreviated", "wide") if abbreviated else ("wide",):
                found.update(name.casefold().rstrip(".") for name in context.get(width, {}).values())
    return frozenset(found)


def _is_calendar_word(word: str, language: str, abbreviated: bool = True) -> bool:
    return word.casefold() in _calendar_words(language, abbreviated)


def _is_demonym(word: str, language: str) -> bool:
    endings = DEMONYM_ENDINGS.get(language, ())
    return len(word) > 5 and word.casefold().endswith(endings)


def _split_claimed(run: list[_Word], words: list[_Word], claimed: set[int]) -> list[list[_Word]]:
    """The parts of a run left between words already claimed by a gazetteer or organisation name."""
    pieces: list[list[_Word]] = [[]]
    for word in run:
        if words.index(word) in claimed:
            pieces.append([])
        else:
            pieces[-1].append(word)
    return [piece for piece in pieces if piece]


def _mention(document: Document, sentence: Sentence, run: list[_Word], kind: str, *, confident: bool,
             gazetteer_id: str | None = None, title: str | None = None, evidence: str | None = None) -> Mention:
    start, end = run[0].start, run[-1].end
    name = " ".join(word.text for word in run)
    return Mention(document.article_id, document.language, document.text[start:end], name, kind, start, end,
                   sentence.index, confident=confident, gazetteer_id=gazetteer_id, title=title, evidence=evidence)


# --- scripts without letter case (Arabic) ------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int  # document offsets of the token after its proclitic
    end: int
    text: str  # the token without its proclitic
    written: str  # as written
    proclitic: str


_UNCASED_WORD = re.compile(r"[^\W\d_]+")


class UncasedTagger:
    """Names in a script without capitals, from a language module's cue words (see :mod:`babelwire.lang.ar`):
    gazetteer names after a proclitic, organisations from their head noun (محكمة, جامعة, نادي …), and persons
    from a title, a given name, or transliterated words the dictionary does not know (ميسي, كريموفا) that the
    article repeats or that stand beside another such word."""

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None, knowledge) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.k = knowledge

    def _tokens(self, document: Document) -> list[_Token]:
        tokens = []
        for match in _UNCASED_WORD.finditer(document.text):
            written = match.group(0)
            tokens.append(_Token(match.start(), match.end(), written, written, ""))
        return tokens

    def _forms(self, token: _Token) -> list[_Token]:
        """The token as written, then without each proclitic it may carry (longest first)."""
        forms = [token]
        for clitic in self.k.PROCLITICS:
            if token.written.startswith(clitic) and len(token.written) - len(clitic) >= 3:
                forms.append(_Token(token.start + len(clitic), token.end, token.written[len(clitic):],
                                    token.written, clitic))
        return forms

    def _known(self, word: str, language: str) -> bool:
        # ال (and لل, ل + ال) opens defined common words; transliterated names do not take it
        return is_known_word(word, language) or word.startswith(("ال", "لل")) \
            or word.endswith(self.k.COMMON_ENDINGS)

    def _is_name_word(self, token: _Token, language: str) -> bool:
        """A word no dictionary knows, and no known word behind a proclitic: a transliterated name."""
        forms = self._forms(token)
        bare = [token.text[len(clitic):] for clitic in self.k.PROCLITICS if token.text.startswith(clitic)]
        if len(token.text) < 3 or any(word in self.k.STOP_WORDS for word in [token.text, *bare]):
            return False  # وهو, وما: a function word behind a proclitic
        return not self._known(token.text, language) and not any(
            is_known_word(form.text, language) for form in forms[1:])

    def _name_start(self, token: _Token) -> int:
        """Where a name written with a proclitic starts: after it before a hamza (لأوزباكستان), else at once."""
        for form in self._forms(token)[1:]:
            if form.text.startswith(self.k.HAMZA_LETTERS):
                return form.start
        return token.start

    def tag(self, document: Document) -> list[Mention]:
        language = document.language
        tokens = self._tokens(document)
        claimed: set[int] = set()
        mentions: list[Mention] = []
        separated = self._separated(document, tokens)
        # organisations from their head noun, with the words of their name (stopped by function words)
        for index, token in enumerate(tokens):
            form = next((f for f in self._forms(token) if f.text.removeprefix("ال") in self.k.ORGANISATION_HEADS),
                        None)
            if form is None or index + 1 >= len(tokens) or separated[index]:
                continue
            last = index
            while last + 1 < len(tokens) and last - index < 3 and not separated[last] \
                    and self._continues_name(tokens[last + 1]):
                last += 1
            # a name ends on a defined word (المحكمة العليا), a place or an unknown word (جامعة هارفارد)
            while last > index and not tokens[last].text.startswith("ال") \
                    and self._gazetteer_at(tokens, last, separated, language) is None \
                    and not self._is_name_word(tokens[last], language):
                last -= 1
            if last > index and self._gazetteer_at(tokens, index + 1, separated, language) is not None \
                    and self._gazetteer_at(tokens, index + 1, separated, language)[2].type == ORGANISATION:
                continue  # مكتب الأمم المتحدة: the office of an organisation the gazetteer names
            if last > index:
                mentions.append(self._mention(document, form.start, tokens[last].end, ORGANISATION,
                                              "organisation-word"))
                claimed.update(range(index, last + 1))
        # gazetteer names, perhaps after a proclitic
        index = 0
        while index < len(tokens):
            after_cue = self._previous_word(document, tokens, index) in self.k.ORGANISATION_CUES
            found = None if index in claimed or after_cue else self._gazetteer_at(tokens, index, separated, language)
            if found is None:
                index += 1
                continue
            size, start, entry = found
            if size == 1 and self._ordinary_town(tokens[index], entry, language) \
                    and self._previous_word(document, tokens, index) not in self.k.PLACE_CUES:
                index += 1
                continue
            mentions.append(self._mention(document, start, tokens[index + size - 1].end, entry.type, "gazetteer",
                                          entry.id))
            claimed.update(range(index, index + size))
            index += size
        mentions.extend(self._persons(document, tokens, claimed, separated, language))
        return sorted(mentions, key=lambda mention: mention.start)

    @staticmethod
    def _ordinary_town(token: _Token, entry: GazetteerEntry, language: str) -> bool:
        """A packaged town of under a million people (GeoNames has towns called Corona and Tyre: كورونا,
        صور), which without capitals is taken as a place only after a place cue (في, بمدينة …)."""
        return bool(_PACKAGED_TOWN.match(entry.id)) and entry.population < MILLION_CITY

    def _continues_name(self, token: _Token) -> bool:
        """Whether a word may go on an organisation's name: no function word, conjunction or pronoun suffix."""
        return token.text not in self.k.STOP_WORDS and token.text not in self.k.GIVEN_NAMES \
            and not token.text.startswith("و") and not token.text.endswith(("ها", "هم", "ه"))

    @staticmethod
    def _separated(document: Document, tokens: list[_Token]) -> list[bool]:
        """Whether punctuation (not a single space) stands between each token and the next."""
        flags = []
        for token, following in pairwise(tokens):
            flags.append(document.text[token.end:following.start] != " ")
        return [*flags, True]

    def _gazetteer_at(self, tokens: list[_Token], index: int, separated: list[bool],
                      language: str) -> tuple[int, int, GazetteerEntry] | None:
        reach = index
        while reach < len(tokens) - 1 and reach - index < _MAX_GAZETTEER_WORDS - 1 and not separated[reach]:
            reach += 1
        rest = [token.text for token in tokens[index + 1: reach + 1]]
        for form in self._forms(tokens[index]):
            found = self.gazetteer.longest_match([form.text, *rest], language)
            if found is not None:
                size, entry = found
                return size, form.start, entry
        return None

    def _persons(self, document: Document, tokens: list[_Token], claimed: set[int], separated: list[bool],
                 language: str) -> list[Mention]:
        counts: dict[str, int] = {}
        for token in tokens:
            for form in self._forms(token):
                counts[form.text] = counts.get(form.text, 0) + 1
        mentions = []
        index = 0
        while index < len(tokens):
            if index in claimed:
                index += 1
                continue
            forms = self._forms(tokens[index])
            given = next((f for f in forms if f.text in self.k.GIVEN_NAMES), None)
            unknown = self._is_name_word(tokens[index], language)
            titled = index > 0 and not separated[index - 1] and tokens[index - 1].text in self.k.PERSON_TITLES
            if not (given or unknown):
                index += 1
                continue
            last = index
            while last + 1 < len(tokens) and last - index < 2 and not separated[last] and last + 1 not in claimed \
                    and self._is_name_word(tokens[last + 1], language):
                last += 1
            start = given.start if given is not None else self._name_start(tokens[index])
            repeated = counts.get(document.text[start:tokens[index].end], 0) > 1
            cue = self._previous_word(document, tokens, index)
            if cue in self.k.ORGANISATION_CUES:  # صحيفة “موندو ديبورتيفو”: a newspaper's name
                mentions.append(self._mention(document, start, tokens[last].end, ORGANISATION, PUBLICATION))
            elif last > index or titled or (unknown and repeated):
                mentions.append(self._mention(document, start, tokens[last].end, PERSON,
                                              "title" if titled else "unknown-word"))
            index = last + 1
        return mentions

    @staticmethod
    def _previous_word(document: Document, tokens: list[_Token], index: int) -> str | None:
        """The word before a token when only spaces and quotation marks stand between them."""
        if index == 0:
            return None
        gap = document.text[tokens[index - 1].end:tokens[index].start]
        return tokens[index - 1].text if not gap.strip(" “”\"«»") else None

    @staticmethod
    def _mention(document: Document, start: int, end: int, kind: str, evidence: str,
                 gazetteer_id: str | None = None) -> Mention:
        sentence = document.sentence_at(start)
        surface = document.text[start:end]
        return Mention(document.article_id, document.language, surface, surface, kind, start, end,
                       sentence.index if sentence else 0, gazetteer_id=gazetteer_id, evidence=evidence)


# --- statistical taggers -----------------------------------------------------------------------------------

_LABELS = {"PER": PERSON, "PERSON": PERSON, "ORG": ORGANISATION, "LOC": PLACE, "GPE": PLACE}


def _model_mention(document: Document, start: int, end: int, label: str, tagger: str) -> Mention | None:
    """A mention from a model's span, its title and possessive ending removed and its type mapped."""
    kind = _LABELS.get(label)
    surface = document.text[start:end]
    sentence = document.sentence_at(start)
    if kind is None or sentence is None:
        return None
    words = surface.split()
    title = None
    while len(words) > 1 and is_title(words[0]):
        title = words.pop(0)
    name = " ".join(words)
    clitic = _CLITIC.match(words[-1]) if words else None
    if clitic:
        name = " ".join([*words[:-1], clitic["base"]])
    entry = default_gazetteer().lookup(name.split(), document.language)
    return Mention(document.article_id, document.language, surface, name, entry.type if entry else kind, start, end,
                   sentence.index, tagger=tagger, gazetteer_id=entry.id if entry else None, title=title,
                   evidence="gazetteer" if entry else "model")


class NatashaTagger:
    """Russian names, places and organisations by natasha (slovnet's news NER model, shipped in the wheel)."""

    name = "natasha"

    def __init__(self) -> None:
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter

        self._segmenter = Segmenter()
        self._ner = NewsNERTagger(NewsEmbedding())

    def tag(self, document: Document) -> list[Mention]:
        from natasha import Doc

        doc = Doc(document.text)
        doc.segment(self._segmenter)
        doc.tag_ner(self._ner)
        found = (_model_mention(document, span.start, span.stop, span.type, self.name) for span in doc.spans)
        return [mention for mention in found if mention is not None]


class SpacyTagger:
    """A spaCy pipeline's entities (``fr_core_news_sm`` for French); only its NER components are loaded."""

    def __init__(self, model: str):
        import spacy

        self.name = f"spacy:{model}"
        self._nlp = spacy.load(model, exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"])

    def tag(self, document: Document) -> list[Mention]:
        found = (_model_mention(document, entity.start_char, entity.end_char, entity.label_, self.name)
                 for entity in self._nlp(document.text).ents)
        return [mention for mention in found if mention is not None]


# --- registry ------------------------------------------------------------------------------------------------

TaggerFactory = Callable[[], EntityTagger]
#: language code (``*``: every language) → (tagger name, factory) in the order they run
_FACTORIES: dict[str, list[tuple[str, TaggerFactory]]] = {}
_INSTANCES: dict[str, EntityTagger | None] = {}


def register_tagger(language: str, name: str, factory: TaggerFactory) -> None:
    """Run ``factory()``'s tagger on documents in ``language`` (``*``: all) besides the rules.

    A factory that raises ``ImportError`` or ``OSError`` (a package or model that is not installed)
    is skipped with a log message, and the rules carry on alone.
    """
    entries = _FACTORIES.setdefault(language, [])
    entries[:] = [(known, made) for known, made in entries if known != name]
    entries.append((name, factory))
    _INSTANCES.pop(name, None)


def _instance(name: str, factory: TaggerFactory) -> EntityTagger | None:
    if name not in _INSTANCES:
        try:
            _INSTANCES[name] = factory()
        except (ImportError, OSError) as exc:
            log.info("entity tagger %s is not available (%s); using the rules alone", name, exc)
            _INSTANCES[name] = None
    return _INSTANCES[name]


def taggers_for(language: str) -> list[EntityTagger]:
    """The taggers that run on a language, the rules first; disabled or missing ones left out."""
    disabled = {name.strip() for name in os.environ.get(DISABLED_TAGGERS_VARIABLE, "").split(",") if name.strip()}
    taggers = []
    for name, factory in [*_FACTORIES.get("*", []), *_FACTORIES.get(language, [])]:
        if name in disabled:
            continue
        tagger = _instance(name, factory)
        if tagger is not None:
            taggers.append(tagger)
    return taggers


register_tagger("*", "rules", RuleTagger)
register_tagger("ru", "natasha", NatashaTagger)
register_tagger("fr", "spacy-fr", lambda: SpacyTagger("fr_core_news_sm"))


def _overlaps(first: Mention, second: Mention) -> bool:
    return first.start < second.end and second.start < first.end


#: rule cues trusted over a model's type for the same words (nyhetsbyrån Belta is an organisation)
_SURE_CUES = frozenset({"gazetteer", "title", "organisation-cue", "organisation-word", PUBLICATION})


def combine_mentions(rule_mentions: list[Mention], model_mentions: list[Mention]) -> list[Mention]:
    """Rule mentions with a model's: gazetteer mentions stay; a model's span and type win over the rest,
    except that a type the rules read from a sure cue stays."""
    kept = list(rule_mentions)
    for mention in model_mentions:
        overlapping = [known for known in kept if _overlaps(known, mention)]
        if any(known.gazetteer_id for known in overlapping):
            continue
        for known in overlapping:
            kept.remove(known)
        title = next((known.title for known in overlapping if known.title), mention.title)
        sure = [known for known in overlapping if known.evidence in _SURE_CUES and known.type != UNKNOWN]
        kind = sure[0].type if len(sure) == 1 else mention.type
        kept.append(replace(mention, title=title, type=kind, evidence=sure[0].evidence if sure else "model"))
    return sorted(kept, key=lambda mention: mention.start)


def extract_mentions(document: Document) -> list[Mention]:
    """Every entity mention in a document by the taggers registered for its language.

    Text in a language a tagger does not know never fails: a tagger that raises on a document is
    logged and skipped.
    """
    mentions: list[Mention] = []
    for tagger in taggers_for(document.language):
        try:
            found = tagger.tag(document)
        except Exception:  # one tagger's failure on odd text must not lose the others' results
            log.exception("entity tagger %s failed on article %s", tagger.name, document.article_id)
            continue
        mentions = found if not mentions else combine_mentions(mentions, found)
    return _with_business_heads(_with_defined_shorts(document, mentions))
