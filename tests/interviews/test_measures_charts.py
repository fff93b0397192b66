"""The measures' chart geometry: pure functions, literal coordinates."""

from interviews.charts import interval_chart, scatter


def test_an_interval_chart_places_estimates_intervals_and_the_reference():
    chart = interval_chart(
        [
            ("Overall", 0.5, 0.3, 0.7, "0.50", False),
            ("RAG", None, None, None, "no alpha", False),
            ("Low", -1.0, -1.0, 0.1, "-1.00", True),
        ],
        low=0.0,
        high=1.0,
        ticks=[0, 0.5, 1],
        reference=0.667,
        width=316,
        label_width=100,
        row_height=24,
        margin=8,
    )
    first, missing, low = chart.rows
    assert (first.x, first.low_x, first.high_x) == (208.0, 168.0, 248.0)
    assert (first.label_y, first.line_y) == (16.0, 12.0)
    assert (missing.x, missing.low_x, missing.high_x, missing.top) == (None, None, None, 24)
    assert (low.x, low.low_x, low.high_x, low.flagged) == (108.0, 108.0, 128.0, True)  # clamped
    assert chart.ticks == [(108.0, "0"), (208.0, "0.5"), (308.0, "1")]
    assert chart.reference_x == 241.4
    assert (chart.axis_y, chart.height, chart.view_box) == (76, 96, "0 0 316 96")
    assert chart.missing_x == 112


def test_a_scatter_fans_out_equal_x_and_clamps_to_its_ranges():
    plot = scatter(
        [(1, 0, "a", False), (1, 1, "b", True), (3, 5, "c", False)],
        x_range=(0, 4),
        y_range=(-1, 1),
        x_ticks=[1, 3],
        y_ticks=[-1, 0, 1],
        line=[(0, -1), (4, 1)],
        width=126,
        height=126,
        left=20,
        bottom_margin=20,
        spread=0.4,
    )
    a, b, c = plot.points
    assert (a.x, a.y, a.flagged) == (42.5, 56.0, False)
    assert (b.x, b.y, b.flagged) == (47.5, 6.0, True)
    assert (c.x, c.y) == (95.0, 6.0)  # y beyond the range sits on its edge
    assert plot.line == "20,106 120,6"
    assert plot.x_ticks == [(45.0, "1"), (95.0, "3")]
    assert plot.y_ticks == [(106.0, "-1"), (56.0, "0"), (6.0, "1")]
    assert (plot.bottom, plot.x_label_y, plot.y_label_x) == (106, 120, 16)
