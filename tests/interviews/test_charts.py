"""The scorecard's bars on the score scale: geometry from plain rows, no models (pure)."""

from decimal import Decimal

from interviews.charts import ScoreBar, score_bars

SCALE = [(1, "1 Poor"), (2, "2 Mixed"), (3, "3 Good"), (4, "4 Excellent")]


def chart(rows):
    return score_bars(
        rows,
        chart_id="topic-chart-7",
        title="Mean score per topic",
        summary="Mean score per topic on the 1 to 4 scale.",
        scale=SCALE,
        missing="no scored questions",
        empty="no topics",
    )


def test_score_bars_scale_each_row_to_the_top_of_the_scale():
    c = chart([("RAG", Decimal("3.25")), ("Inference", None), ("STAR | behaviour", Decimal("1"))])
    assert c.bars == [
        ScoreBar(label="RAG", value=Decimal("3.25"), y=4, width=276.2, text="3.25"),
        ScoreBar(label="Inference", value=None, y=40, width=0.0, text="no scored questions"),
        ScoreBar(label="STAR | behaviour", value=Decimal("1"), y=76, width=85.0, text="1"),
    ]
    assert c.ticks == [
        (85.0, "1 Poor"),
        (170.0, "2 Mixed"),
        (255.0, "3 Good"),
        (340.0, "4 Excellent"),
    ]
    assert (c.height, c.axis_y, c.tick_label_y) == (134, 112, 128)
    assert [(b.label_y, b.bar_y, b.text_y, b.text_x) for b in c.bars] == [
        (15, 19, 29, 282.2),
        (51, 55, 65, 6.0),
        (87, 91, 101, 91.0),
    ]
    assert c.desc == (
        "Mean score per topic on the 1 to 4 scale. RAG: 3.25; Inference: no scored questions; "
        "STAR | behaviour: 1."
    )
    assert (c.id, c.title, c.width, c.plot_width) == (
        "topic-chart-7",
        "Mean score per topic",
        420,
        340,
    )


def test_score_bars_without_rows():
    c = chart([])
    assert c.bars == [] and c.height == 26
    assert c.desc == "Mean score per topic on the 1 to 4 scale. no topics."
