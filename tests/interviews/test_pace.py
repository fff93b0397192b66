"""The pace rule (interviews/pace.py): behind plan when the share of the planned time used runs
ahead of the share of the questions done by more than a tenth; the page gets the second after
which that happens (behind_after) and live.js compares its clock to it."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from interviews.pace import behind_after, pace


def test_behind_after_is_the_last_second_on_plan():
    # 45 minutes, 1 of 3 done: on plan up to 2700 * (1/3 + 1/10) = 1170 s.
    assert behind_after(planned_seconds=2700, done=1, total=3) == 1170
    assert not pace(elapsed=1170, planned_minutes=45, states=["scored", "open", "open"])["behind"]
    assert pace(elapsed=1171, planned_minutes=45, states=["scored", "open", "open"])["behind"]
    # Nothing left, or no question: never behind.
    assert behind_after(planned_seconds=2700, done=3, total=3) is None
    assert behind_after(planned_seconds=2700, done=0, total=0) is None


def test_the_hint_and_its_words_for_the_page():
    result = pace(elapsed=1800, planned_minutes=45, states=["scored", "open", "open"])
    assert result["hint"] == "Running behind plan: 2 questions left, 15 minutes left"
    result = pace(elapsed=2650, planned_minutes=45, states=["skipped", "scored", "open"])
    assert result["hint"] == "Running behind plan: 1 question left, 0 minutes left"
    assert (result["answered"], result["skipped"], result["done"]) == (1, 1, 2)
    done = pace(elapsed=9999, planned_minutes=45, states=["scored"])
    assert (done["behind"], done["behind_after"], done["hint"]) == (False, None, "")


@given(
    planned_minutes=st.integers(5, 480),
    total=st.integers(0, 30),
    data=st.data(),
)
def test_behind_is_time_used_ahead_of_work_done_by_more_than_a_tenth(planned_minutes, total, data):
    done = data.draw(st.integers(0, total))
    elapsed = data.draw(st.integers(0, planned_minutes * 120))
    states = ["scored"] * done + ["open"] * (total - done)
    planned = planned_minutes * 60
    expected = bool(total) and done < total
    expected = expected and Fraction(elapsed, planned) - Fraction(done, total) > Fraction(1, 10)
    result = pace(elapsed=elapsed, planned_minutes=planned_minutes, states=states)
    assert result["behind"] == expected
    after = result["behind_after"]
    assert (after is not None and elapsed > after) == expected  # what live.js compares
