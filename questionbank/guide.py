"""Reading the LLM interview guide and its answer guidance: parsing only, no database.

The guide's format:
- ``Part N: LLM <Level> ...`` starts a level; the next line describes it.
- ``N. <Topic>`` starts a topic of the current part.
- After ``Advanced Topics & Specialized Areas`` every unnumbered heading starts a topic that
  applies to all levels; a heading directly followed by another heading (``System Design
  Questions`` then ``ML System Design``) is the section of that next topic.
- ``- <question>`` is a question of the current topic; before the first part, ``- Part ...``
  lines describe the structure and are no questions.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from django.utils.text import slugify

from config import limits

from .models import Kind, normalize_text

ADVANCED_HEADING = "Advanced Topics & Specialized Areas"
SUPER_HARD_TOPIC = "Super Hard Challenges"
PART_RE = re.compile(r"^Part\s+(\d+)\s*:\s*LLM\s+([A-Za-z][\w-]*)")
TOPIC_RE = re.compile(r"^(\d+)\.\s+(\S.*)$")
KIND_BY_TOPIC = {
    "Coding & Implementation": Kind.CODING,
    # Unsloth's puzzles: a Triton kernel, FSDP2 with QLoRA, graph breaks, chunked backprop.
    SUPER_HARD_TOPIC: Kind.CODING,
    "ML System Design": Kind.SYSTEM_DESIGN,
    "Behavioral Questions (Use STAR Framework)": Kind.BEHAVIORAL,
    "Case Studies & Scenario-Based Questions": Kind.SCENARIO,
}
# "Design a system ...", "How would you build a ... pipeline": designing something that runs.
# "How would you design human evaluation protocols" designs no system and stays conceptual.
SYSTEM_DESIGN_RE = re.compile(
    r"^(design|how (would|do) you (design|build))\b.*"
    r"\b(system|systems|pipeline|platform|service|services|infrastructure)\b",
    re.IGNORECASE,
)
# Intern interviews never draw the Super Hard Challenges (GPU kernels, distributed training).
LEVELS_EXCLUDED_BY_TOPIC = {SUPER_HARD_TOPIC: {"intern"}}
CODING_RE = re.compile(r"^(implement\b|write\b.*\bcode\b|code\b)", re.IGNORECASE)


class GuideError(ValueError):
    """A malformed guide or guidance file; the message names the line."""

    def __init__(self, message: str, line: int | None = None, source: str = ""):
        self.line = line
        where = [source] if source else []
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass
class ParsedLevel:
    name: str
    rank: int
    description: str = ""
    line: int = 0

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass
class ParsedTopic:
    name: str
    section: str
    position: int
    line: int
    all_levels: bool
    level: ParsedLevel | None = None
    questions: list[tuple[int, str]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass
class ParsedQuestion:
    text: str
    line: int
    kind: Kind
    difficulty: int
    topic_slugs: list[str]
    level_slugs: list[str]

    @property
    def key(self) -> str:
        return normalize_text(self.text)


@dataclass
class ParsedGuide:
    levels: list[ParsedLevel]
    topics: list[ParsedTopic]
    questions: list[ParsedQuestion]


def kind_for(topic_name: str, text: str) -> Kind:
    if topic_name in KIND_BY_TOPIC:
        return KIND_BY_TOPIC[topic_name]
    if SYSTEM_DESIGN_RE.match(text):
        return Kind.SYSTEM_DESIGN
    if CODING_RE.match(text):
        return Kind.CODING
    return Kind.CONCEPTUAL


def difficulty_for(index: int, count: int, topic_name: str) -> int:
    """The i-th of n questions (from 0), sorted simple to hard, gets 1 + floor(5 i / n)."""
    if topic_name == SUPER_HARD_TOPIC:
        return 5
    return 1 + (5 * index) // count


def decode(data: bytes, source: str = "") -> str:
    """The guide's bytes as text, or an error naming the first line that is not text."""
    bad = data.find(b"\x00")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start if bad < 0 else min(bad, exc.start)
    if bad >= 0:
        line = data.count(b"\n", 0, bad) + 1
        raise GuideError("not a text file (binary or non-UTF-8 data)", line, source)
    return text


class _GuideReader:
    """The parser's state while it reads a guide line by line: the levels and topics so far,
    the current ones, whether the advanced section has begun, and the level whose description
    the next line may be."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.levels: list[ParsedLevel] = []
        self.topics: list[ParsedTopic] = []
        self.level: ParsedLevel | None = None
        self.topic: ParsedTopic | None = None
        self.advanced = False
        self.describing: ParsedLevel | None = None

    def fail(self, message: str, lineno: int | None) -> NoReturn:
        raise GuideError(message, lineno, self.source)

    def close_topic(self) -> None:
        if self.topic is not None and not self.topic.questions:
            self.fail(f"topic {self.topic.name!r} has no questions", self.topic.line)

    def start_part(self, match: re.Match[str], lineno: int) -> None:
        self.close_topic()
        level = ParsedLevel(name=match[2], rank=int(match[1]), line=lineno)
        if any(lv.slug == level.slug or lv.rank == level.rank for lv in self.levels):
            self.fail(f"level {level.name!r} (part {level.rank}) appears twice", lineno)
        self.levels.append(level)
        self.level, self.topic, self.advanced, self.describing = level, None, False, level

    def start_topic(self, name: str, section: str, lineno: int) -> None:
        self.close_topic()
        topic = ParsedTopic(
            name=name.strip(),
            section=section,
            position=len(self.topics) + 1,
            line=lineno,
            all_levels=self.advanced,
            level=None if self.advanced else self.level,
        )
        self.topic = topic
        if any(t.slug == topic.slug for t in self.topics):
            self.fail(f"topic {topic.name!r} appears twice", lineno)
        self.topics.append(topic)

    def add_question(self, line: str, lineno: int) -> None:
        question = line[1:].strip()
        if not self.levels and question.startswith("Part "):
            return  # the structure list before the first part describes the levels
        if self.topic is None:
            self.fail("a question before any topic", lineno)
        if not question:
            self.fail("an empty question", lineno)
        self.topic.questions.append((lineno, question))

    def start_advanced(self, lineno: int) -> None:
        if not self.levels:
            self.fail("a topic before any part", lineno)
        self.close_topic()
        self.advanced, self.topic = True, None

    def start_numbered_topic(self, name: str, lineno: int) -> None:
        if self.level is None:
            self.fail("a topic before any part", lineno)
        self.start_topic(name, f"Part {self.level.rank}: LLM {self.level.name}", lineno)

    def start_advanced_topic(self, line: str, lineno: int) -> None:
        section = ADVANCED_HEADING
        if self.topic is not None and not self.topic.questions:
            # A heading with no questions of its own is the section of the heading after it.
            self.topics.pop()
            section, self.topic = self.topic.name, None
        self.start_topic(line, section, lineno)

    def read(self, line: str, lineno: int) -> None:
        """One non-blank, stripped line of the guide."""
        if m := PART_RE.match(line):
            self.start_part(m, lineno)
            return
        is_question = line.startswith("-")
        topic_match = TOPIC_RE.match(line)
        if (describing := self.describing) is not None:
            self.describing = None
            if not is_question and not topic_match and line != ADVANCED_HEADING:
                describing.description = line
                return
        if is_question:
            self.add_question(line, lineno)
        elif line == ADVANCED_HEADING:
            self.start_advanced(lineno)
        elif topic_match:
            self.start_numbered_topic(topic_match[2], lineno)
        elif self.advanced:
            self.start_advanced_topic(line, lineno)
        elif self.levels:
            self.fail(
                f"unrecognised line {line[:60]!r} (expected a topic, a question or a part)", lineno
            )
        # else: the preamble before the first part (title, introduction, "Structure:")

    def finish(self) -> ParsedGuide:
        self.close_topic()
        if not self.levels:
            self.fail("no 'Part N: LLM <Level>' heading: this is not a guide", None)
        if not self.topics:
            self.fail("no topics", None)
        return ParsedGuide(
            levels=self.levels,
            topics=self.topics,
            questions=_merge_questions(self.levels, self.topics),
        )


def parse_guide(text: str, source: str = "") -> ParsedGuide:
    reader = _GuideReader(source)
    for lineno, raw in enumerate(text.splitlines(), 1):
        if line := raw.strip():
            reader.read(line, lineno)
    return reader.finish()


def _merge_questions(levels: list[ParsedLevel], topics: list[ParsedTopic]) -> list[ParsedQuestion]:
    """One question per distinct text; a text under two topics carries both (and both levels)."""
    all_level_slugs = [lv.slug for lv in sorted(levels, key=lambda lv: lv.rank)]
    by_key: dict[str, ParsedQuestion] = {}
    for topic in topics:
        if topic.all_levels or topic.level is None:
            level_slugs = all_level_slugs
        else:
            level_slugs = [topic.level.slug]
        excluded = LEVELS_EXCLUDED_BY_TOPIC.get(topic.name, set())
        level_slugs = [s for s in level_slugs if s not in excluded]
        count = len(topic.questions)
        for index, (lineno, text) in enumerate(topic.questions):
            key = normalize_text(text)
            if key in by_key:
                q = by_key[key]
                if topic.slug not in q.topic_slugs:
                    q.topic_slugs.append(topic.slug)
                q.level_slugs = [s for s in all_level_slugs if s in {*q.level_slugs, *level_slugs}]
                continue
            by_key[key] = ParsedQuestion(
                text=text,
                line=lineno,
                kind=kind_for(topic.name, text),
                difficulty=difficulty_for(index, count, topic.name),
                topic_slugs=[topic.slug],
                level_slugs=list(level_slugs),
            )
    return list(by_key.values())


ANCHOR_LEVELS = ("poor", "mixed", "good", "excellent")
ANCHOR_MAX_LENGTH = limits.ANCHOR


@dataclass
class Guidance:
    key_points: list[str]
    follow_ups: list[str]
    red_flags: list[str]
    minutes: int
    reading: str = ""
    anchors: dict[str, str] = field(default_factory=dict)


# Raises a GuideError that names the guidance entry.
EntryFailure = Callable[[str], NoReturn]


def parse_anchors(entry: dict[str, Any], fail: EntryFailure) -> dict[str, str]:
    """The four anchors of one guidance entry: all present, one line each, short, distinct."""
    anchors = entry.get("anchors")
    if not isinstance(anchors, dict):
        fail("needs four anchors (anchors.poor, anchors.mixed, anchors.good, anchors.excellent)")
    unknown = sorted(set(anchors) - set(ANCHOR_LEVELS))
    if unknown:
        fail(f"unknown anchor {unknown[0]!r} (expected poor, mixed, good, excellent)")
    out: dict[str, str] = {}
    for level in ANCHOR_LEVELS:
        text = anchors.get(level)
        if not isinstance(text, str) or not text.strip():
            fail(f"anchors.{level} is missing or empty")
        text = text.strip()
        if "\n" in text:
            fail(f"anchors.{level} must be one line")
        if len(text) > ANCHOR_MAX_LENGTH:
            fail(f"anchors.{level} has {len(text)} characters (at most {ANCHOR_MAX_LENGTH})")
        same = [
            other for other, seen in out.items() if normalize_text(seen) == normalize_text(text)
        ]
        if same:
            fail(f"anchors.{level} repeats anchors.{same[0]}")
        out[level] = text
    return out


def _entry_failure(path: Path, n: int, text: str) -> EntryFailure:
    def fail(message: str) -> NoReturn:
        raise GuideError(f"entry {n} ({text[:60]!r}): {message}", None, path.name)

    return fail


def load_guidance(directory: Path) -> dict[str, Guidance]:
    """Every ``*.toml`` in ``directory`` keyed by normalized question text."""
    out: dict[str, Guidance] = {}
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise GuideError(f"unreadable guidance: {exc}", None, path.name) from exc
        for n, entry in enumerate(data.get("question", []), 1):
            text = str(entry.get("text", "")).strip()
            if not text:
                raise GuideError(f"guidance entry {n} has no text", None, path.name)
            key = normalize_text(text)
            if key in out:
                raise GuideError(f"guidance for {text!r} given twice", None, path.name)
            fail = _entry_failure(path, n, text)
            minutes = entry.get("minutes")
            if not isinstance(minutes, int) or not 1 <= minutes <= 120:
                fail("minutes must be 1..120")
            out[key] = Guidance(
                key_points=[str(p).strip() for p in entry.get("key_points", [])],
                follow_ups=[str(p).strip() for p in entry.get("follow_ups", [])],
                red_flags=[str(p).strip() for p in entry.get("red_flags", [])],
                minutes=minutes,
                reading=str(entry.get("reading", "")).strip(),
                anchors=parse_anchors(entry, fail),
            )
    return out
