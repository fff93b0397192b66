import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from questionbank.guide import ANCHOR_LEVELS, GuideError, decode, difficulty_for, parse_guide
from questionbank.models import Kind, Level, Question, Topic, normalize_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
GUIDE = FIXTURES / "llm_guide.txt"
SHARED = {
    "What is in-context learning?": {"reasoning-chain-of-thought", "llm-agents-tool-use"},
    "What is zero-shot learning, and how do LLMs implement it?": {
        "reasoning-chain-of-thought",
        "prompt-engineering-in-context-learning",
    },
    "What is few-shot learning, and what are its benefits?": {
        "reasoning-chain-of-thought",
        "prompt-engineering-in-context-learning",
    },
}


def guide_question_lines() -> list[tuple[int, str]]:
    """Every '- question' line of the guide after the first part, read independently."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    first_part = next(i for i, line in enumerate(lines) if line.startswith("Part 1:"))
    return [
        (i + 1, line[2:].strip())
        for i, line in enumerate(lines)
        if i > first_part and line.startswith("- ")
    ]


def run_import(path=GUIDE, *args):
    out = StringIO()
    call_command("import_guide", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(db):
    run_import()


def test_every_distinct_question_of_the_guide_is_in_the_bank_once(imported):
    texts = [text for _, text in guide_question_lines()]
    distinct = {normalize_text(t) for t in texts}
    assert len(texts) == 315 and len(distinct) == 312
    bank = [normalize_text(q.text) for q in Question.objects.all()]
    assert len(bank) == len(set(bank)) == 312
    assert set(bank) == distinct


def test_levels_and_topics_of_the_guide(imported):
    assert [(lv.name, lv.rank) for lv in Level.objects.all()] == [
        ("Intern", 1),
        ("Scientist", 2),
        ("Engineer", 3),
    ]
    assert Level.objects.get(slug="intern").description.startswith("Foundation building")
    topics = list(Topic.objects.all())
    assert len(topics) == 29
    assert topics[0].name == "Tokenization" and topics[0].section == "Part 1: LLM Intern"
    ml = Topic.objects.get(name="ML System Design")
    assert ml.section == "System Design Questions"
    assert not Topic.objects.filter(name="System Design Questions").exists()
    assert Topic.objects.get(name="Super Hard Challenges").section == (
        "Advanced Topics & Specialized Areas"
    )


def test_shared_questions_carry_both_topics(imported):
    for text, slugs in SHARED.items():
        question = Question.objects.get(text=text)
        assert {t.slug for t in question.topics.all()} == slugs
    icl = Question.objects.get(text="What is in-context learning?")
    assert {lv.slug for lv in icl.levels.all()} == {"scientist", "engineer"}


def test_difficulty_follows_the_place_in_the_topic(imported):
    tokenization = Topic.objects.get(slug="tokenization")
    # five questions: one per fifth
    got = [q.difficulty for q in tokenization.questions.order_by("source_line")]
    assert got == [1, 2, 3, 4, 5]
    transformer = list(
        Topic.objects.get(slug="transformer-architecture").questions.order_by("source_line")
    )
    n = len(transformer)
    assert n == 25
    assert [q.difficulty for q in transformer] == [1 + 5 * i // n for i in range(n)]
    assert set(
        Topic.objects.get(slug="super-hard-challenges").questions.values_list(
            "difficulty", flat=True
        )
    ) == {5}
    assert Topic.objects.get(slug="super-hard-challenges").questions.count() == 5


@pytest.mark.parametrize(
    ("index", "count", "expected"),
    [
        (0, 1, 1),
        (0, 5, 1),
        (4, 5, 5),
        (0, 4, 1),
        (3, 4, 4),
        (9, 10, 5),
        (2, 10, 2),
    ],
)
def test_difficulty_formula(index, count, expected):
    assert difficulty_for(index, count, "Any") == expected
    assert difficulty_for(index, count, "Super Hard Challenges") == 5


def test_kinds(imported):
    def kinds(slug):
        return set(Topic.objects.get(slug=slug).questions.values_list("kind", flat=True))

    assert kinds("coding-implementation") == {Kind.CODING}
    assert kinds("ml-system-design") == {Kind.SYSTEM_DESIGN}
    assert kinds("behavioral-questions-use-star-framework") == {Kind.BEHAVIORAL}
    assert kinds("case-studies-scenario-based-questions") == {Kind.SCENARIO}
    assert Question.objects.get(text="Design a system for multi-tenant LLM serving").kind == (
        Kind.SYSTEM_DESIGN
    )
    assert (
        Question.objects.get(
            text="How would you design an LLM inference system for high throughput?"
        ).kind
        == Kind.SYSTEM_DESIGN
    )
    # Case studies win over the "Design ..." wording.
    assert Question.objects.get(text="Design an LLM chat assistant with dynamic context").kind == (
        Kind.SCENARIO
    )
    assert Question.objects.get(text="What is a token in a language model?").kind == (
        Kind.CONCEPTUAL
    )


def test_advanced_topics_apply_to_all_levels_and_parts_to_their_own(imported):
    all_levels = {"intern", "scientist", "engineer"}
    for question in Topic.objects.get(slug="research-papers").questions.all():
        assert {lv.slug for lv in question.levels.all()} == all_levels
    for question in Topic.objects.get(slug="tokenization").questions.all():
        assert [lv.slug for lv in question.levels.all()] == ["intern"]
    for question in Topic.objects.get(slug="rag-retrieval-augmented-generation").questions.all():
        assert [lv.slug for lv in question.levels.all()] == ["engineer"]


def test_provenance_names_the_guide_line(imported):
    lines = {text: n for n, text in reversed(guide_question_lines())}
    question = Question.objects.get(text="What is a token in a language model?")
    assert question.source == "llm_guide.txt"
    assert question.source_line == lines[question.text]


def test_reimport_changes_nothing(imported):
    before = list(Question.objects.order_by("pk").values())
    out = run_import()
    assert "Created 0 questions, changed 0, 312 unchanged" in out
    assert list(Question.objects.order_by("pk").values()) == before


def test_dry_run_writes_nothing(db):
    out = run_import(GUIDE, "--dry-run")
    assert "would create question (line 11) 'What is a token in a language model?'" in out
    assert "Would create 312 questions" in out
    assert Question.objects.count() == Topic.objects.count() == Level.objects.count() == 0


def test_dry_run_reports_changes_without_writing(imported):
    question = Question.objects.get(text="What is a token in a language model?")
    question.difficulty = 4
    question.save()
    out = run_import(GUIDE, "--dry-run")
    assert "would change question (line 11)" in out and "difficulty: 4 -> 1" in out
    question.refresh_from_db()
    assert question.difficulty == 4
    run_import()
    question.refresh_from_db()
    assert question.difficulty == 1


def test_reimport_keeps_a_curators_extra_topic(imported):
    question = Question.objects.get(text="What is a token in a language model?")
    extra = Topic.objects.get(slug="embeddings")
    question.topics.add(extra)
    run_import()
    assert extra in question.topics.all()


GOOD = """Part 1: LLM Intern
Basics
1. Tokens
- What is a token?
"""

MALFORMED = [
    ("- What is a token?\nPart 1: LLM Intern\nx\n1. T\n- q\n", 1, "a question before any topic"),
    ("Part 1: LLM Intern\nBasics\n- What is a token?\n", 3, "a question before any topic"),
    ("Intro\n1. Tokens\n- What?\n", 2, "a topic before any part"),
    ("Part 1: LLM Intern\nBasics\n1. Tokens\n- What?\n-   \n", 5, "an empty question"),
    ("Part 1: LLM Intern\nBasics\n1. Tokens\n2. Embeddings\n- What?\n", 3, "has no questions"),
    ("Part 1: LLM Intern\nBasics\n1. Tokens\n- What?\nstray words here\n", 5, "unrecognised"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_malformed_guides_name_the_line_and_write_nothing(db, tmp_path, text, line, message):
    path = tmp_path / "guide.txt"
    path.write_text(text)
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert f"guide.txt, line {line}: " in str(excinfo.value)
    assert message in str(excinfo.value)
    assert "nothing was written" in str(excinfo.value)
    assert Question.objects.count() == Topic.objects.count() == Level.objects.count() == 0


def test_a_binary_file_is_refused_with_its_line(db, tmp_path):
    path = tmp_path / "guide.bin"
    path.write_bytes(GOOD.encode() + b"\x89PNG\x00\xff\xfe")
    with pytest.raises(CommandError, match=r"guide.bin, line 5: not a text file"):
        run_import(path)
    assert Question.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run_import(tmp_path / "nope.txt")


def test_guidance_for_a_question_not_in_the_guide_is_refused(db, tmp_path):
    (tmp_path / "guide.txt").write_text(GOOD)
    (tmp_path / "guidance").mkdir()
    (tmp_path / "guidance" / "x.toml").write_text(
        '[[question]]\ntext = "What is a tokn?"\nminutes = 3\n'
        + "".join(f'anchors.{level} = "{level} anchor"\n' for level in ANCHOR_LEVELS)
    )
    with pytest.raises(CommandError, match="not in the guide"):
        run_import(tmp_path / "guide.txt")
    assert Question.objects.count() == 0


def test_a_small_guide_imports(db, tmp_path):
    (tmp_path / "guide.txt").write_text(GOOD)
    run_import(tmp_path / "guide.txt")
    question = Question.objects.get()
    assert question.text == "What is a token?" and question.difficulty == 1
    assert question.estimated_minutes == 5  # the conceptual default, no guidance given


@given(
    st.lists(
        st.sampled_from(
            [
                "Part 1: LLM Intern",
                "Part 2: LLM Scientist",
                "Basics",
                "1. Tokens",
                "2. Embeddings",
                "- What is a token?",
                "- Why?",
                "-",
                "Advanced Topics & Specialized Areas",
                "Heading",
                "",
                "Structure:",
                "- Part 1: x",
                "3. Heads",
                "\x00",
            ]
        ),
        max_size=14,
    )
)
@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_line_soup_either_parses_or_fails_with_a_line(lines):
    text = "\n".join(lines)
    try:
        guide = parse_guide(decode(text.encode()))
    except GuideError as exc:
        assert exc.line is None or 1 <= exc.line <= max(len(lines), 1)
        return
    keys = [q.key for q in guide.questions]
    assert len(keys) == len(set(keys))
    assert all(1 <= q.difficulty <= 5 and q.topic_slugs and q.level_slugs for q in guide.questions)


def test_the_fixture_equals_the_import(db):
    def snapshot():
        rows = []
        for q in Question.objects.prefetch_related("levels", "topics").order_by("text"):
            data = {
                f: getattr(q, f)
                for f in (
                    "text",
                    "kind",
                    "difficulty",
                    "guidance",
                    "follow_ups",
                    "red_flags",
                    "reading",
                    "estimated_minutes",
                    "status",
                    "source",
                    "source_line",
                )
            }
            data["levels"] = sorted(lv.slug for lv in q.levels.all())
            data["topics"] = sorted(t.slug for t in q.topics.all())
            rows.append(data)
        levels = list(Level.objects.values_list("slug", "name", "rank", "description"))
        topics = list(Topic.objects.values_list("slug", "name", "section", "position"))
        return rows, levels, topics

    with transaction.atomic():
        run_import()
        imported = snapshot()
        transaction.set_rollback(True)
    assert Question.objects.count() == 0
    call_command("load_bank", verbosity=0)
    assert snapshot() == imported


def test_fixture_is_valid_json_with_natural_keys():
    data = json.loads((FIXTURES / "questionbank.json").read_text())
    levels = [row for row in data if row["model"] == "questionbank.level"]
    assert all("pk" not in row for row in levels)


def test_load_bank_is_idempotent(db):
    out = StringIO()
    call_command("load_bank", stdout=out)
    assert "Loaded the question bank: 312 questions" in out.getvalue()
    question = Question.objects.first()
    question.guidance = "A curator's edit"
    question.save()
    out = StringIO()
    call_command("load_bank", stdout=out)
    assert "already loaded (312 questions): nothing to do" in out.getvalue()
    question.refresh_from_db()
    assert question.guidance == "A curator's edit"


def test_the_database_refuses_a_duplicate_text_up_to_case_and_spaces(imported):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(text="  what IS a token\n in a   language model?  ")


@pytest.mark.parametrize("difficulty", [0, 6])
def test_the_database_refuses_a_difficulty_out_of_range(db, difficulty):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(text="Out of range?", difficulty=difficulty)
