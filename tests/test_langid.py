"""Language identification for every language lingua knows; ``und`` and a warning for scripts none is written in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.analysis import IdentifyLanguage
from babelwire.cli import app
from babelwire.encoders import HashingEncoder
from babelwire.langid import (
    LinguaIdentifier,
    _decide,
    _serbian_or_croatian,
    main_script,
    unreadable_script,
)
from babelwire.settings import IDENTIFIED_LANGUAGES, SUPPORTED_LANGUAGES, Settings
from babelwire.tracker import Tracker
from babelwire.types import UNDETERMINED, Article

# one sentence per language the reading does not support, written for this test
SENTENCES = {
    "ko": "정부는 월요일 새 다리가 내년 봄에 개통될 것이라고 발표했다.",
    "el": "Η κυβέρνηση ανακοίνωσε τη Δευτέρα ότι η νέα γέφυρα θα ανοίξει την επόμενη άνοιξη.",
    "he": "הממשלה הודיעה ביום שני כי הגשר החדש ייפתח לתנועה באביב הבא.",
    "th": "รัฐบาลประกาศเมื่อวันจันทร์ว่าสะพานแห่งใหม่จะเปิดให้สัญจรในฤดูใบไม้ผลิหน้า",
    "ja": "政府は月曜日、新しい橋が来年の春に開通すると発表した。",
    "sk": "Vláda v pondelok oznámila, že nový most bude otvorený pre dopravu budúcu jar.",
    "sl": "Vlada je v ponedeljek sporočila, da bo novi most odprt za promet prihodnjo pomlad.",
    "hu": "A kormány hétfőn bejelentette, hogy az új hidat jövő tavasszal adják át a forgalomnak.",
    "lv": "Valdība pirmdien paziņoja, ka jaunais tilts satiksmei tiks atvērts nākamajā pavasarī.",
    "lt": "Vyriausybė pirmadienį paskelbė, kad naujasis tiltas eismui bus atidarytas kitą pavasarį.",
    "ro": "Guvernul a anunțat luni că noul pod va fi deschis circulației în primăvara viitoare.",
    "bg": "Правителството обяви в понеделник, че новият мост ще бъде открит за движение следващата пролет.",
    "id": "Pemerintah mengumumkan pada hari Senin bahwa jembatan baru akan dibuka untuk lalu lintas musim semi depan.",
    "sr": "Predsednik je rekao da će vlada uskoro doneti odluku o novim merama za decu i porodice.",
}
#: scripts none of lingua's languages is written in: Amharic (Ethiopic) and Tibetan
UNREADABLE = {
    "Ethiopic": "መንግሥት ሰኞ እለት አዲሱ ድልድይ በሚቀጥለው የጸደይ ወቅት ለትራፊክ ክፍት እንደሚሆን አስታውቋል።",
    "Tibetan": "གཞུང་གིས་གཟའ་ཟླ་བ་ལ་ཟམ་པ་གསར་པ་དེ་དཔྱིད་ཀ་རྗེས་མར་འགྲོ་འོང་ལ་སྒོ་འབྱེད་རྒྱུ་ཡིན་ཞེས་བསྒྲགས།",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_languages_outside_the_reading_are_identified(language_identifier, code: str) -> None:
    assert code not in SUPPORTED_LANGUAGES
    found, confidence = language_identifier.identify(SENTENCES[code])
    assert (found, code) == (code, code)
    assert 0.5 <= confidence <= 1.0


@pytest.mark.parametrize("script", sorted(UNREADABLE))
def test_a_script_no_language_is_written_in_is_undetermined(language_identifier, script: str) -> None:
    assert language_identifier.identify(UNREADABLE[script]) == (UNDETERMINED, 0.0)
    assert unreadable_script(UNREADABLE[script], language_identifier.scripts) == script


def test_every_language_lingua_knows_is_identified() -> None:
    from lingua import Language

    lingua_codes = {language.iso_code_639_1.name.lower() for language in Language.all()}
    assert set(IDENTIFIED_LANGUAGES) == (lingua_codes - {"nb", "nn"}) | {"no"}
    assert set(SUPPORTED_LANGUAGES) <= set(IDENTIFIED_LANGUAGES)
    assert Settings().languages == IDENTIFIED_LANGUAGES


def test_embedded_latin_words_do_not_outvote_the_main_script(language_identifier) -> None:
    assert main_script("Intel 11代酷睿移动版处理器发布 - TechNews") == "CJK"
    assert language_identifier.identify("Intel 11代酷睿移动版处理器正式发布，性能大幅提升 - TechNews")[0] == "zh"
    assert language_identifier.identify("삼성전자, 갤럭시 S21 새 모델 다음 달 출시 예정 - Yonhap News")[0] == "ko"


def test_latin_serbian_is_told_from_croatian_by_its_ekavian_words(language_identifier) -> None:
    croatian = "Predsjednik je rekao da će vlada uskoro donijeti odluku o novim mjerama za djecu i obitelji."
    assert language_identifier.identify(croatian)[0] in {"hr", "bs"}
    assert language_identifier.identify("Председник је рекао да ће влада ускоро донети одлуку.")[0] == "sr"
    # lingua knows Serbian only in Cyrillic: without an ekavian or ijekavian word nothing is claimed
    assert _serbian_or_croatian("vlada je usvojila zakon", {"hr": 0.6, "bs": 0.4}) is None
    assert _serbian_or_croatian("gde je vlada", {"hr": 0.6, "bs": 0.4}) == ("sr", 1.0)


def test_no_evidence_never_names_a_language() -> None:
    # lingua gives every language 0 for a script none is written in: that used to become "ar" at 0.0
    assert _decide([("ar", 0.0), ("zh", 0.0)], min_confidence=0.5, min_ratio=2.0) == (UNDETERMINED, 0.0)


@pytest.mark.parametrize("accuracy", ["low", "high"])
def test_other_lingua_modes_work(accuracy: str) -> None:
    identifier = LinguaIdentifier(("en", "de", "sk", "cs"), accuracy=accuracy)
    assert identifier.identify(SENTENCES["sk"])[0] == "sk"
    with pytest.raises(ValueError, match="accuracy"):
        LinguaIdentifier(("en", "de"), accuracy="medium")


def test_the_stage_notes_an_unreadable_script(language_identifier) -> None:
    article = Article(title="", text=UNREADABLE["Ethiopic"])
    IdentifyLanguage(language_identifier, 2000)([article])
    assert article.language == UNDETERMINED
    assert len(article.notes) == 1 and "Ethiopic" in article.notes[0]


def test_ingest_report_warns_and_names_unsupported_languages(tmp_path: Path, language_identifier) -> None:
    articles = [
        Article(title="", text=UNREADABLE["Ethiopic"], origin="amharic.txt"),
        Article(title="", text=SENTENCES["ko"], origin="korean.txt"),
        Article(title="", text="The government announced on Monday that the new bridge opens next spring.",
                origin="english.txt"),
    ]
    with Tracker(tmp_path / "t.db", Settings(encoder="hashing"), encoder=HashingEncoder(),
                 language_identifier=language_identifier) as tracker:
        report = tracker.add(articles)
        assert report.added == 3 and not report.problems
        assert [(w.origin, "Ethiopic" in w.reason) for w in report.warnings] == [("amharic.txt", True)]
        assert report.unsupported_languages == {"ko": 1}
        stored = tracker.store.article(articles[0].id)
        assert stored is not None and stored.language == UNDETERMINED  # stored all the same


def test_cli_summary_and_languages_command(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "amharic.txt").write_text(UNREADABLE["Ethiopic"], encoding="utf-8")
    (tmp_path / "in" / "slovak.txt").write_text(SENTENCES["sk"], encoding="utf-8")
    db = str(tmp_path / "l.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db, "--encoder", "hashing", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 2 and summary["problems"] == []
    assert [w["input"] for w in summary["warnings"]] == [str(tmp_path / "in" / "amharic.txt")]
    assert summary["unsupported_languages"] == {"sk": 1}

    text = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "m.db"), "--encoder", "hashing"])
    assert "1 warning\n" in text.stdout and "Slovak (sk) 1" in text.output

    listed = json.loads(runner.invoke(app, ["languages", "--json"]).stdout)
    by_code = {row["code"]: row for row in listed}
    assert len(by_code) == len(IDENTIFIED_LANGUAGES)
    assert by_code["en"]["reading"] and not by_code["ko"]["reading"] and by_code["ko"]["identified"]
