"""Issue 12: every guide question is scored on anchors of its own, written to one scoring rule."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape

from questionbank.guide import GuideError, kind_for
from questionbank.models import KindRubric, Question, QuestionStatus, Score
from questionbank.services import guide_import_file

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Words that name nothing of a question's content: an anchor must share two others with its
# own question's key points, follow-ups or red flags.
GENERIC_WORDS = """about above after again also answer answers because been before being both
    candidate cannot correct correctly could covers does each either error errors even every
    excellent explain explains from good have into just least less like mentions mixed more most
    much must names only other over point points poor probe says some such than that their them
    then there these they this those through under very were what when where which while will
    with without would plus gives given states stated answered question questions flag flags"""
GENERIC = set(GENERIC_WORDS.split())


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9][a-z0-9-]{3,}", text.casefold()) if w not in GENERIC}


@pytest.fixture
def guide_questions(guide_bank):
    return list(Question.objects.filter(source="llm_guide.txt", status=QuestionStatus.ACTIVE))


def own_anchors(question: Question) -> list[str]:
    return [
        question.anchor_poor,
        question.anchor_mixed,
        question.anchor_good,
        question.anchor_excellent,
    ]


def test_every_guide_question_has_four_anchors_of_its_own(guide_questions):
    assert len(guide_questions) == 312
    defaults = {r.kind: set(r.anchors().values()) for r in KindRubric.objects.all()}
    missing = [q.text for q in guide_questions if not all(a.strip() for a in own_anchors(q))]
    assert missing == []
    generic = [q.text for q in guide_questions if set(own_anchors(q)) & defaults[q.kind]]
    assert generic == []
    same_within = [q.text for q in guide_questions if len(set(own_anchors(q))) != 4]
    assert same_within == []


def test_no_two_questions_share_an_anchor(guide_questions):
    seen: dict[str, str] = {}
    shared = []
    for q in guide_questions:
        for anchor in own_anchors(q):
            if anchor in seen:
                shared.append((q.text, seen[anchor]))
            seen[anchor] = q.text
    assert shared == []
    assert len({tuple(own_anchors(q)) for q in guide_questions}) == 312


def test_every_anchor_names_something_from_its_own_guidance(guide_questions):
    unrelated = []
    for q in guide_questions:
        guidance = content_words(" ".join([q.guidance, q.follow_ups, q.red_flags]))
        for score, anchor in zip(Score.labels, own_anchors(q), strict=True):
            if len(content_words(anchor) & guidance) < 2:
                unrelated.append(f"{score} of {q.text!r}: {anchor}")
    assert unrelated == []


def test_the_content_word_check_can_fail():
    guidance = content_words("Byte-level BPE has all 256 bytes in the base vocabulary")
    assert (
        len(content_words("Names byte-level BPE and the 256-byte base vocabulary") & guidance) >= 2
    )
    assert len(content_words("The candidate gives a good answer with some points") & guidance) < 2


def test_excellent_anchors_build_on_good_and_a_follow_up(guide_questions):
    """The scoring rule: Excellent is Good plus a follow-up answered; a red flag caps at Mixed."""
    not_built_on_good = [
        q.text for q in guide_questions if not q.anchor_excellent.startswith("Good, plus")
    ]
    assert not_built_on_good == []


def test_numeric_follow_ups_carry_their_expected_answer(guide_questions):
    asks_for_a_number = re.compile(
        r"\b(estimate|calculate|compute the|how many|how much (memory|vram|compute|time|storage|"
        r"data)|how large|how big|what size)\b",
        re.I,
    )
    unanswered = [
        f
        for q in guide_questions
        for f in q.follow_up_list()
        if asks_for_a_number.search(f) and "Expected:" not in f
    ]
    assert unanswered == []
    kv = Question.objects.get(text="How do you calculate the size of the key-value (KV) cache?")
    assert "512 KiB" in kv.follow_ups + kv.guidance


# The importer's validation, on copies of the guidance with one entry broken.

TOKEN = "What is a token in a language model?"


@pytest.fixture
def broken_guidance(tmp_path):
    """broken_guidance(old, new) -> a guide path whose tokenization file has `old` -> `new`."""

    def _break(old: str, new: str) -> Path:
        folder = tmp_path / "guidance"
        shutil.copytree(FIXTURES / "guidance", folder)
        shutil.copy(FIXTURES / "llm_guide.txt", tmp_path / "llm_guide.txt")
        target = folder / "01-tokenization.toml"
        text = target.read_text(encoding="utf-8")
        assert old in text, old
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return tmp_path / "llm_guide.txt"

    return _break


def first_anchor(level: str) -> str:
    text = (FIXTURES / "guidance" / "01-tokenization.toml").read_text(encoding="utf-8")
    return re.search(rf'^anchors\.{level} = ".*"$', text, re.M)[0]


@pytest.mark.parametrize(
    ("level", "replacement", "message"),
    [
        ("good", "", "anchors.good is missing or empty"),
        ("mixed", 'anchors.mixed = "   "', "anchors.mixed is missing or empty"),
        ("poor", 'anchors.poor = """two\nlines"""', "anchors.poor must be one line"),
        ("excellent", f'anchors.excellent = "{"x" * 501}"', "has 501 characters (at most 500)"),
        ("good", 'anchors.good = "Same words."\nanchors.great = "?"', "unknown anchor 'great'"),
    ],
)
def test_a_broken_anchor_names_its_file_and_entry_and_writes_nothing(
    db, broken_guidance, level, replacement, message
):
    guide = broken_guidance(first_anchor(level), replacement)
    with pytest.raises(GuideError) as error:
        guide_import_file(path=guide)
    assert "01-tokenization.toml" in str(error.value)
    assert f"entry 1 ({TOKEN!r})" in str(error.value)
    assert message in str(error.value)
    assert Question.objects.count() == 0


def test_two_equal_anchors_are_refused(db, broken_guidance):
    mixed = re.search(r'= (".*")$', first_anchor("mixed"))[1]
    guide = broken_guidance(first_anchor("good"), f"anchors.good = {mixed}")
    with pytest.raises(GuideError, match="anchors.good repeats anchors.mixed"):
        guide_import_file(path=guide)
    assert Question.objects.count() == 0


def test_an_entry_without_anchors_is_refused(db, broken_guidance):
    block = "\n".join(first_anchor(level) for level in ("poor", "mixed", "good", "excellent"))
    guide = broken_guidance(block, "")
    with pytest.raises(GuideError, match=r"entry 1 .*needs four anchors"):
        guide_import_file(path=guide)
    assert Question.objects.count() == 0


# The importer's kind and level rules, re-checked against the wording.


@pytest.mark.parametrize(
    ("topic", "text", "kind"),
    [
        (
            "Evaluation Metrics",
            "How would you design human evaluation protocols for LLMs?",
            "conceptual",
        ),
        ("RAG", "How do you build a production-grade RAG system?", "system_design"),
        (
            "Data Preparation",
            "How do you build a production-grade document processing and indexing pipeline?",
            "system_design",
        ),
        ("LLMOps", "Design a system for multi-tenant LLM serving", "system_design"),
        (
            "Inference",
            "How would you design an LLM inference system for high throughput?",
            "system_design",
        ),
        (
            "Inference",
            "How would you implement efficient batching for LLM inference?",
            "conceptual",
        ),
        ("Super Hard Challenges", "Memory Efficient Backprop", "coding"),
        ("Coding & Implementation", "Implement beam search for text generation", "coding"),
    ],
)
def test_kind_follows_the_wording(topic, text, kind):
    assert kind_for(topic, text) == kind


def test_super_hard_challenges_are_coding_for_scientists_and_engineers(guide_bank):
    hard = Question.objects.filter(topics__slug="super-hard-challenges").prefetch_related("levels")
    assert hard.count() == 5
    for question in hard:
        assert question.kind == "coding" and question.difficulty == 5
        assert sorted(lv.slug for lv in question.levels.all()) == ["engineer", "scientist"]


# Where anchors and the rule show.


def test_anchors_show_on_the_bank_in_the_composer_and_the_admin(client, superuser, guide_bank):
    from interviews import services
    from questionbank.models import Level
    from tests.factories import UserFactory

    question = Question.objects.get(
        text="How do you calculate the size of the key-value (KV) cache?"
    )
    client.force_login(superuser)
    bank = client.get("/bank/?q=key-value+cache+size").content.decode()
    assert "Scoring anchors" in bank and escape(question.anchor_good) in bank
    detail = client.get(f"/bank/{question.pk}/").content.decode()
    assert escape(question.anchor_excellent) in detail and "Scoring rule" in detail
    admin = client.get(f"/admin/questionbank/question/{question.pk}/change/").content.decode()
    assert escape(question.anchor_mixed) in admin and "Anchor: 2 Mixed" in admin

    user = UserFactory(username="gina", groups=["Interviewers"])
    engineer = Level.objects.get(slug="engineer")
    candidate = services.candidate_create(name="Kim", level=engineer, created_by=user)
    interview = services.interview_create(
        interviewer=user, candidate=candidate, level=engineer, planned_minutes=30
    )
    client.force_login(user)
    composer = client.get(
        f"/interviews/{interview.pk}/compose/?level=engineer&q=key-value+cache+size&view=detailed"
    ).content.decode()
    assert escape(question.anchor_poor) in composer
    # The compact list loads them with the guidance when a question is opened.
    fragment = client.get(f"/bank/{question.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert escape(question.anchor_poor) in fragment


def test_the_live_page_scores_on_the_questions_own_anchors_beside_the_rule(client, guide_bank):
    from interviews import services
    from questionbank.models import SCORING_RULE, Level
    from tests.factories import UserFactory

    user = UserFactory(username="gina", groups=["Interviewers"])
    engineer = Level.objects.get(slug="engineer")
    question = Question.objects.get(text="What is a token in a language model?")
    candidate = services.candidate_create(name="Kim", level=engineer, created_by=user)
    interview = services.interview_create(
        interviewer=user, candidate=candidate, level=engineer, planned_minutes=30
    )
    services.interview_add_question(interview=interview, question=question)
    services.interview_start(interview=interview)
    client.force_login(user)
    live = client.get(f"/interviews/{interview.pk}/live/").content.decode()
    positions = [live.index(escape(a)) for a in own_anchors(question)]
    assert positions == sorted(positions)
    rule = live.index("Scoring rule")
    assert positions[-1] < rule < live.index('class="notes-form"')
    for text in SCORING_RULE.values():
        assert escape(text) in live
    default = KindRubric.objects.get(kind=question.kind)
    assert escape(default.good) not in live
