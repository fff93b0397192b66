"""Scorecard arithmetic, the debrief view, and the rows the scorecard and measures pages show.

The downloads are built in ``exports``; the charts' geometry in ``charts``, from the plain rows
built here.

Everything here works on interviews already loaded with their questions (``with_items()``),
so building a report never runs a query of its own.

The rules of the arithmetic:
- a mean counts only scored questions: skipped and unscored questions are left out;
- a question with several topics counts once in each of its topics (and once overall);
- means are shown with two decimals, rounded half up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser

from questionbank.models import SCORE_MAX, SCORE_MIN, Score, score_name

from . import charts, measures
from .measures import Alpha, HireRate, Interval, Leniency, LevelMean, QuestionHealth, Rating
from .models import (
    HIRE_RECOMMENDATIONS,
    Amendment,
    Candidate,
    CoScorer,
    Interview,
    InterviewQuestion,
    Recommendation,
    can_view_all,
)

if TYPE_CHECKING:
    from .measuring import Snapshot

# Two interviewers whose means for a topic are this far apart (or more) disagree.
DISAGREEMENT_SPREAD = Decimal(2)


def format_seconds(seconds: int | None) -> str:
    """m:ss, or h:mm:ss from an hour on."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def score_text(score: int | None) -> str:
    """'3 Good', or '' for no score."""
    return score_name(Score(score)) if score else ""


def display_name(user: AbstractUser | None) -> str:
    if user is None:
        return "(deleted user)"
    return user.get_full_name() or user.get_username()


@dataclass
class Mean:
    """The mean of some scores, with its arithmetic spelled out."""

    scores: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def total(self) -> int:
        return sum(self.scores)

    @property
    def value(self) -> Decimal | None:
        if not self.scores:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def display(self) -> str:
        return "–" if self.value is None else f"{self.value}"

    @property
    def as_float(self) -> float | None:
        return None if self.value is None else float(self.value)

    @property
    def arithmetic(self) -> str:
        if not self.scores:
            return "no scored questions"
        return f"({' + '.join(str(s) for s in self.scores)}) / {self.count} = {self.value}"


@dataclass
class TopicScore:
    slug: str
    name: str
    mean: Mean = field(default_factory=Mean)
    questions: int = 0
    skipped: int = 0
    unscored: int = 0

    @property
    def left_out(self) -> str:
        parts = []
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.unscored:
            parts.append(f"{self.unscored} unscored")
        return ", ".join(parts)


@dataclass
class Scorecard:
    """One interview's scorecard: the questions, topic means, overall mean, chart."""

    interview: Interview
    items: list[InterviewQuestion]
    topics: list[TopicScore]
    overall: Mean
    skipped: int
    unscored: int
    seconds: int

    @property
    def chart(self) -> charts.ScoreChart:
        return charts.score_bars(
            [(t.name, t.mean.value) for t in self.topics],
            chart_id=f"topic-chart-{self.interview.pk}",
            title="Mean score per topic",
            summary=f"Mean score per topic on the {SCORE_MIN} to {SCORE_MAX} scale.",
            scale=[(s.value, score_name(s)) for s in Score],
            missing="no scored questions",
            empty="no topics",
        )

    @property
    def rows(self) -> list[tuple[InterviewQuestion, str]]:
        """(item, time spent as m:ss) per question, for templates."""
        return [(item, format_seconds(item.seconds_spent)) for item in self.items]

    @property
    def time_on_questions(self) -> str:
        return format_seconds(self.seconds)

    @property
    def duration(self) -> str:
        return format_seconds(self.interview.elapsed_seconds()) if self.interview.started_at else ""

    def topic_means(self) -> dict[str, Decimal | None]:
        return {t.slug: t.mean.value for t in self.topics}


def build_scorecard(interview: Interview) -> Scorecard:
    items = list(interview.items.all())
    topics: dict[str, TopicScore] = {}
    overall = Mean()
    skipped = unscored = 0
    for item in items:
        if item.score is not None:
            overall.scores.append(item.score)
        elif item.skipped:
            skipped += 1
        else:
            unscored += 1
        for slug, name in item.topics:
            topic = topics.setdefault(slug, TopicScore(slug=slug, name=name))
            topic.questions += 1
            if item.score is not None:
                topic.mean.scores.append(item.score)
            elif item.skipped:
                topic.skipped += 1
            else:
                topic.unscored += 1
    return Scorecard(
        interview=interview,
        items=items,
        topics=list(topics.values()),
        overall=overall,
        skipped=skipped,
        unscored=unscored,
        seconds=sum(item.seconds_spent for item in items),
    )


# Amendment history -------------------------------------------------------------------------


def describe_change(change: dict[str, Any]) -> dict[str, str]:
    """One recorded change as {what, old, new} strings for people."""
    fieldname = change.get("field")
    old: Any = change.get("old")
    new: Any = change.get("new")
    if fieldname == "recommendation":
        labels = dict(Recommendation.choices)
        return {
            "what": "Recommendation",
            "old": labels.get(old, old or "none"),
            "new": labels.get(new, new or "none"),
        }
    if fieldname == "score":
        return {
            "what": f"Score of question {change.get('question')}",
            "old": score_text(old) or "no score",
            "new": score_text(new) or "no score",
        }
    if fieldname == "notes":
        return {
            "what": f"Notes of question {change.get('question')}",
            "old": old or "(empty)",
            "new": new or "(empty)",
        }
    if fieldname == "summary":
        return {"what": "Summary", "old": old or "(empty)", "new": new or "(empty)"}
    return {"what": str(fieldname), "old": str(old), "new": str(new)}


def amendment_rows(amendments: Iterable[Amendment]) -> list[dict[str, Any]]:
    return [
        {
            "user": display_name(a.user),
            "created_at": a.created_at,
            "reason": a.reason,
            "changes": [describe_change(c) for c in a.changes],
        }
        for a in amendments
    ]


# Debrief -----------------------------------------------------------------------------------


@dataclass
class SheetLine:
    """One question on a co-scorer's sheet, shaped like an interview question for templates."""

    item: InterviewQuestion
    score: int | None
    skipped: bool
    notes: str

    @property
    def score_label(self) -> str:
        return Score(self.score).label if self.score else ""


@dataclass
class CoSheet:
    """A co-scorer's submitted sheet as the scorecard and the debrief show it."""

    sheet: CoScorer
    lines: list[SheetLine]
    overall: Mean

    @property
    def name(self) -> str:
        return display_name(self.sheet.user)


def build_co_sheet(sheet: CoScorer, items: Iterable[InterviewQuestion]) -> CoSheet:
    """``sheet`` with its lines loaded, over the interview's questions ``items``."""
    by_item = {line.item_id: line for line in sheet.lines.all()}
    lines = []
    for item in items:
        line = by_item.get(item.pk)
        lines.append(
            SheetLine(
                item=item,
                score=line.score if line else None,
                skipped=line.skipped if line else False,
                notes=line.notes if line else "",
            )
        )
    overall = Mean([line.score for line in lines if line.score is not None])
    return CoSheet(sheet=sheet, lines=lines, overall=overall)


# Two sheets whose scores of a question are this far apart (or more) are marked as differing.
SHEET_SPREAD = 2


@dataclass
class ComparisonRow:
    item: InterviewQuestion
    cells: list[str]  # per sheet: "3", "skipped" or ""
    spread: int | None

    @property
    def differs(self) -> bool:
        return self.spread is not None and self.spread >= SHEET_SPREAD


@dataclass
class Comparison:
    """Every revealed sheet of one interview side by side, per question."""

    names: list[str]
    rows: list[ComparisonRow]

    @property
    def differing(self) -> int:
        return sum(1 for row in self.rows if row.differs)


def _cell(score: int | None, skipped: bool) -> str:
    return str(score) if score is not None else ("skipped" if skipped else "")


def build_comparison(
    interview: Interview, own_revealed: bool, sheets: list[CoSheet]
) -> Comparison | None:
    """The interview's revealed sheets per question (None for fewer than two sheets)."""
    if len(sheets) + own_revealed < 2:
        return None
    items = list(interview.items.all())
    names = ([display_name(interview.interviewer)] if own_revealed else []) + [
        s.name for s in sheets
    ]
    rows = []
    for i, item in enumerate(items):
        pairs = [(item.score, item.skipped)] if own_revealed else []
        pairs += [(s.lines[i].score, s.lines[i].skipped) for s in sheets]
        scores = [score for score, _ in pairs if score is not None]
        spread = max(scores) - min(scores) if len(scores) >= 2 else None
        rows.append(ComparisonRow(item=item, cells=[_cell(*p) for p in pairs], spread=spread))
    return Comparison(names=names, rows=rows)


@dataclass
class CandidateAgreement:
    """How the sheets on a candidate agree: questions scored by two or more raters, how many
    agree exactly and within one point, and Krippendorff's ordinal alpha over them."""

    units: int
    exact: int
    within_one: int
    alpha: Alpha | None
    too_few: bool


# Below this many co-scored questions the debrief shows no alpha ("too few units").
MIN_AGREEMENT_UNITS = 5


def candidate_agreement(rows: Sequence[Rating]) -> CandidateAgreement:
    """From ``ratings.ratings(interviews=...)`` rows (``measures.Rating``)."""
    by_unit: dict[tuple[int, int], dict[int, int]] = {}
    for r in rows:
        if r.score is not None:
            by_unit.setdefault((r.candidate_id, r.question_id), {})[r.interviewer_id] = r.score
    spreads = [max(s.values()) - min(s.values()) for s in by_unit.values() if len(s) >= 2]
    too_few = len(spreads) < MIN_AGREEMENT_UNITS
    return CandidateAgreement(
        units=len(spreads),
        exact=sum(1 for s in spreads if s == 0),
        within_one=sum(1 for s in spreads if s <= 1),
        alpha=None if too_few else measures.alpha_ordinal(rows),
        too_few=too_few,
    )


@dataclass
class DebriefEntry:
    interview: Interview
    own: bool
    # May the viewer see this interview's scores, notes, recommendation and summary?
    revealed: bool
    scorecard: Scorecard | None
    # May the viewer open the interview's own page (scorecard, composer, live)?
    linkable: bool
    # The co-scorers' submitted sheets the viewer may see, and every revealed sheet per question.
    sheets: list[CoSheet] = field(default_factory=list)
    comparison: Comparison | None = None
    # The viewer's own co-scorer sheet on this interview (whatever its state).
    my_sheet: CoScorer | None = None


@dataclass
class TopicRow:
    slug: str
    name: str
    cells: list[Mean]
    spread: Decimal | None

    @property
    def disagree(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


@dataclass
class Debrief:
    entries: list[DebriefEntry]
    unlocked: bool
    sees_all: bool
    has_own: bool
    columns: list[DebriefEntry]
    rows: list[TopicRow]
    overall: TopicRow | None

    @property
    def others_revealed(self) -> bool:
        return any(e.revealed and not e.own for e in self.entries)

    @property
    def co_scored(self) -> bool:
        return any(e.sheets for e in self.entries)

    @property
    def recommendations(self) -> list[str]:
        return [e.interview.get_recommendation_display() for e in self.columns]

    @property
    def recommendations_split(self) -> bool:
        sides = {e.interview.recommendation in HIRE_RECOMMENDATIONS for e in self.columns}
        return len(sides) > 1


def _spread(cells: list[Mean]) -> Decimal | None:
    values = [c.value for c in cells if c.value is not None]
    if len(values) < 2:
        return None
    return max(values) - min(values)


def build_debrief(
    interviews: list[Interview], user: AbstractUser, *, candidate: Candidate | None = None
) -> Debrief:
    """Independent scoring: an interviewer sees the others' scores, notes, recommendations and
    summaries only when the rule ``interviews.see_others_scores`` (people/rules.py) holds:
    assigned in the candidate's loop, with their own scorecard for that stage submitted with at
    least one scored question. Hiring managers see every submitted scorecard. Anyone else sees
    the candidate and each interview's status and interviewer, never scores.

    ``candidate`` loaded with ``Candidate.objects.for_debrief()`` answers the rule without a
    query; without it, the interviews' candidate is asked."""
    sees_all = can_view_all(user)
    own = [i for i in interviews if i.interviewer_id == user.pk]
    if candidate is None and interviews:
        candidate = interviews[0].candidate
    unlocked = sees_all or (
        candidate is not None and user.has_perm("interviews.see_others_scores", candidate)
    )
    entries = []
    for interview in interviews:
        is_own = interview.interviewer_id == user.pk
        revealed = interview.is_submitted and (is_own or unlocked)
        co = list(interview.co_scorers.all())
        sheets = [
            build_co_sheet(s, list(interview.items.all()))
            for s in co
            if s.is_submitted and (s.user_id == user.pk or unlocked)
        ]
        entries.append(
            DebriefEntry(
                interview=interview,
                own=is_own,
                revealed=revealed,
                scorecard=build_scorecard(interview) if revealed else None,
                linkable=is_own or (sees_all and interview.is_submitted),
                sheets=sheets,
                comparison=build_comparison(interview, revealed, sheets),
                my_sheet=next((s for s in co if s.user_id == user.pk), None),
            )
        )
    columns = [e for e in entries if e.revealed]
    cards = [e.scorecard for e in columns if e.scorecard is not None]  # one per column
    names: dict[str, str] = {}
    for card in cards:
        for topic in card.topics:
            names.setdefault(topic.slug, topic.name)
    rows = []
    for slug, name in names.items():
        cells = []
        for card in cards:
            match = next((t for t in card.topics if t.slug == slug), None)
            cells.append(match.mean if match else Mean())
        rows.append(TopicRow(slug=slug, name=name, cells=cells, spread=_spread(cells)))
    overall = None
    if cards:
        cells = [card.overall for card in cards]
        overall = TopicRow(slug="", name="Overall", cells=cells, spread=_spread(cells))
    return Debrief(
        entries=entries,
        unlocked=unlocked,
        sees_all=sees_all,
        has_own=bool(own) or any(e.my_sheet is not None for e in entries),
        columns=columns,
        rows=rows,
        overall=overall,
    )


# Measures pages ----------------------------------------------------------------------------
# What the agreement, calibration and question health pages list and draw, from the snapshot
# of the measures (``measuring.Snapshot``): names beside the ids, the rows in their order.


@dataclass(frozen=True)
class AlphaRow:
    label: str
    alpha: Alpha
    href: str = ""


def alpha_text(a: Alpha) -> str:
    if a.value is None:
        return f"no alpha ({a.reason})"
    text = f"{a.value:.2f}"
    if a.interval:
        text += f" (95% interval {a.interval.low:.2f} to {a.interval.high:.2f})"
    return f"{text}, {a.n_units} unit{'s' if a.n_units != 1 else ''}"


@dataclass(frozen=True)
class AgreementRows:
    topics: list[AlphaRow]  # in the guide's order, each linking to its questions
    questions: list[AlphaRow]  # flagged first, then the most co-scored
    pairs: list[AlphaRow]  # the same order
    chart_rows: list[AlphaRow]  # overall, then the topics
    chart: charts.IntervalChart


def _flagged_first(row: AlphaRow) -> tuple[bool, int, str]:
    return (not row.alpha.flagged, -row.alpha.n_units, row.label)


def agreement_rows(snapshot: Snapshot, *, questions_url: str) -> AgreementRows:
    """Alpha per topic (linked to ``questions_url`` filtered by the topic), per question, per
    pair of interviewers, and the chart of alpha overall and per topic."""
    a = snapshot.measures.agreement
    order = list(snapshot.topics)
    topics = [
        AlphaRow(snapshot.topics.get(slug, slug), alpha, f"{questions_url}?topic={slug}")
        for slug, alpha in sorted(
            a.by_topic.items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
    ]
    questions = sorted(
        (AlphaRow(snapshot.question_text(q), alpha) for q, alpha in a.by_question.items()),
        key=_flagged_first,
    )
    pairs = sorted(
        (
            AlphaRow(f"{snapshot.person(i)} and {snapshot.person(j)}", alpha)
            for (i, j), alpha in a.by_pair.items()
        ),
        key=_flagged_first,
    )
    chart_rows = [AlphaRow("All co-scored answers", a.overall), *topics]
    chart = charts.interval_chart(
        [
            (
                r.label,
                r.alpha.value,
                r.alpha.interval.low if r.alpha.interval else r.alpha.value,
                r.alpha.interval.high if r.alpha.interval else r.alpha.value,
                alpha_text(r.alpha),
                r.alpha.flagged,
            )
            for r in chart_rows
        ],
        low=-0.2,
        high=1.0,
        ticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
        reference=measures.ALPHA_ACCEPTABLE,
    )
    return AgreementRows(topics, questions, pairs, chart_rows, chart)


@dataclass(frozen=True)
class CalibrationRow:
    name: str
    leniency: Leniency
    hire: HireRate | None


def calibration_rows(snapshot: Snapshot) -> list[CalibrationRow]:
    """Every interviewer, the most lenient first, those without an estimate last (by name)."""
    m = snapshot.measures
    rates = {r.interviewer_id: r for r in m.hire_rates}
    return sorted(
        (
            CalibrationRow(snapshot.person(x.interviewer_id), x, rates.get(x.interviewer_id))
            for x in m.leniency
        ),
        key=lambda r: (
            r.leniency.estimate is None,
            -(r.leniency.estimate or 0.0),
            r.name.lower(),
        ),
    )


def _bounds(interval: Interval | None) -> tuple[float, ...]:
    return (interval.low, interval.high) if interval else ()


def leniency_text(x: Leniency) -> str:
    assert x.estimate is not None and x.interval is not None
    return (
        f"{x.estimate:+.2f} points (95% interval {x.interval.low:+.2f} to "
        f"{x.interval.high:+.2f}), {x.n_items} scored items"
    )


def leniency_chart(shown: list[CalibrationRow]) -> charts.IntervalChart:
    """The estimated leniencies with their intervals, on a symmetric scale around zero wide
    enough for the widest interval (in half points)."""
    largest = max((abs(b) for r in shown for b in _bounds(r.leniency.interval)), default=0.5)
    edge = max(0.5, math.ceil(largest * 2) / 2)
    step = 0.5 if edge <= 1.5 else 1.0
    ticks = [round(-edge + i * step, 2) for i in range(int(round(2 * edge / step)) + 1)]
    return charts.interval_chart(
        [
            (
                r.name,
                r.leniency.estimate,
                r.leniency.interval.low if r.leniency.interval else None,
                r.leniency.interval.high if r.leniency.interval else None,
                leniency_text(r.leniency),
                False,
            )
            for r in shown
        ],
        low=-edge,
        high=edge,
        ticks=ticks,
        reference=0.0,
    )


def hire_rate_rows(snapshot: Snapshot) -> list[tuple[str, HireRate]]:
    """(name, hire rates) of the interviewers still known or with decided loops; those with a
    rate first, by name."""
    return sorted(
        (
            (snapshot.person(r.interviewer_id), r)
            for r in snapshot.measures.hire_rates
            if r.interviewer_id in snapshot.people or r.n
        ),
        key=lambda nr: (nr[1].recommended is None, nr[0].lower()),
    )


@dataclass(frozen=True)
class HealthRow:
    q: QuestionHealth
    text: str
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    level_means: tuple[tuple[str, LevelMean], ...] = ()

    @property
    def mean_score(self) -> float | None:
        n = sum(m.n for m in self.q.mean_by_level.values())
        return sum(m.n * m.mean for m in self.q.mean_by_level.values()) / n if n else None

    @property
    def gap(self) -> float | None:
        if self.q.difficulty is None or self.q.expected_difficulty is None:
            return None
        return self.q.difficulty - self.q.expected_difficulty


def health_rows(snapshot: Snapshot) -> list[HealthRow]:
    """One row per question asked, with its text, topics and levels (as recorded)."""
    rows = []
    for q in snapshot.measures.questions:
        label = snapshot.questions.get(q.question_id)
        rows.append(
            HealthRow(
                q=q,
                text=snapshot.question_text(q.question_id),
                topics=label.topics if label else (),
                levels=label.levels if label else (),
                level_means=tuple(
                    (snapshot.levels.get(slug, slug), m) for slug, m in q.mean_by_level.items()
                ),
            )
        )
    return rows


# Every column of question health sorts: key -> (heading, value of a row; None sorts last).
SORTS: dict[str, tuple[str, Callable[[HealthRow], Any]]] = {
    "question": ("Question", lambda r: r.text.lower()),
    "asked": ("Times asked", lambda r: r.q.times_asked),
    "mean": ("Mean score", lambda r: r.mean_score),
    "tagged": ("Tagged difficulty", lambda r: r.q.tagged_difficulty),
    "fitted": ("Fitted difficulty", lambda r: r.q.difficulty),
    "gap": ("Off its tag by", lambda r: r.gap),
    "discrimination": ("Discrimination", lambda r: r.q.discrimination),
    "skip": ("Skipped", lambda r: r.q.skip_rate),
    "minutes": ("Minutes (median)", lambda r: r.q.median_minutes),
    "estimate": ("Minutes (estimate)", lambda r: r.q.estimated_minutes),
    "alpha": ("Agreement", lambda r: r.q.agreement.value),
    "flags": ("Flags", lambda r: len(r.q.flags)),
}


def sort_rows(rows: list[HealthRow], sort: str) -> list[HealthRow]:
    """By the column ``sort`` (``-`` first: highest first), rows without a value last, then by
    question text: the order is total, so a page reads the same every time."""
    key = sort.lstrip("-")
    value_of = SORTS[key][1]
    by_text = sorted(rows, key=lambda r: (r.text.lower(), r.q.question_id))
    present = [r for r in by_text if value_of(r) is not None]
    missing = [r for r in by_text if value_of(r) is None]
    present.sort(key=value_of, reverse=sort.startswith("-"))
    return present + missing


def difficulty_chart(rows: Sequence[HealthRow]) -> charts.Scatter:
    """Fitted difficulty against the tagged one, with the line the tags predict; the questions
    flagged too easy or too hard for their tag stand out."""
    plotted = [r for r in rows if r.q.difficulty is not None]
    largest = max((abs(r.q.difficulty or 0) for r in plotted), default=1.0)
    edge = max(1.0, math.ceil(largest * 2) / 2)
    expected = sorted(
        {
            (r.q.tagged_difficulty, r.q.expected_difficulty)
            for r in plotted
            if r.q.expected_difficulty is not None
        }
    )
    line = [expected[0], expected[-1]] if len(expected) > 1 else []
    return charts.scatter(
        [
            (
                float(r.q.tagged_difficulty),
                float(r.q.difficulty or 0),
                r.text,
                bool({measures.FLAG_TOO_EASY, measures.FLAG_TOO_HARD} & set(r.q.flags)),
            )
            for r in sorted(plotted, key=lambda r: r.q.difficulty or 0)
        ],
        x_range=(0.5, 5.5),
        y_range=(-edge, edge),
        x_ticks=[1, 2, 3, 4, 5],
        y_ticks=[-edge, 0, edge],
        line=line,
        spread=0.6,
    )
