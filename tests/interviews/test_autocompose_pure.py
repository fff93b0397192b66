"""The pure auto-compose module on small inputs: exact picks, reasons and problems (no database)."""

from interviews.autocompose import (
    Item,
    NearDuplicateIndex,
    compose,
    near_duplicate_graph,
    near_duplicates,
)


def item(pk, text, topic, difficulty, minutes, kind="conceptual"):
    return Item(pk, text, (topic,), difficulty, minutes, kind)


BANK = [
    item(1, "What is retrieval augmented generation?", "rag", 1, 5),
    item(2, "How do you chunk documents for retrieval?", "rag", 2, 5),
    item(3, "How do you evaluate a RAG pipeline end to end?", "rag", 3, 8),
    item(4, "What is a KV cache?", "inference", 1, 4),
    item(5, "How does speculative decoding speed up generation?", "inference", 4, 7),
    item(6, "Tell me about a conflict with a teammate", "behavioral", 2, 8, "behavioral"),
    item(7, "Design a retrieval service for ten million documents", "rag", 5, 20, "system_design"),
]


def test_two_topics_share_a_twenty_minute_plan():
    result = compose(BANK, planned_minutes=20, topic_weights={"rag": 1, "inference": 1}, seed=1)
    assert result.question_ids == [4, 3, 5] and result.total_minutes == 19
    assert result.problems == [] and result.notes == []
    assert [p.reason for p in result.picks] == [
        "Chosen for inference: 1st of 2 topic slots (11 min against its 10-min share, weight "
        "50%); difficulty 1 opens the easy-to-hard ramp; 4 min.",
        "Chosen for rag: its only topic slot (8 min against its 10-min share, weight 50%); "
        "difficulty 3 keeps the ramp rising; 8 min.",
        "Chosen for inference: 2nd of 2 topic slots (11 min against its 10-min share, weight "
        "50%); difficulty 4 keeps the ramp rising; 7 min.",
    ]


def test_a_long_engineer_session_mixes_in_behavioral_and_system_design():
    weights = {"rag": 2, "inference": 1, "behavioral": 1}
    result = compose(BANK, planned_minutes=50, topic_weights=weights, seed=2, level="engineer")
    assert result.question_ids == [4, 6, 3, 5, 7] and result.total_minutes == 47
    reasons = [p.reason for p in result.picks]
    assert reasons[1] == (
        "Chosen for behavioral: its only topic slot (8 min against its 13-min share, weight "
        "25%: under-filled, no more of its questions fit the session); difficulty 2 keeps the "
        "ramp rising; it is the session's behavioral question; 8 min."
    )
    assert reasons[4] == (
        "Chosen for rag: 2nd of 2 topic slots (28 min against its 25-min share, weight 50%); "
        "difficulty 5 keeps the ramp rising; it is the session's system design question; 20 min."
    )


MOE = "How does mixture of experts (MoE) work in large language models?"
MOE_AGAIN = "How does Mixture of Experts (MoE) enhance LLM scalability?"
DUPS = [
    item(1, MOE, "rag", 1, 10),
    item(2, MOE_AGAIN, "rag", 2, 10),
    item(3, "What is a KV cache?", "rag", 3, 10),
]


def test_near_duplicates_come_from_the_one_definition():
    assert near_duplicates(MOE, MOE_AGAIN)
    assert near_duplicate_graph(DUPS) == {1: {2}, 2: {1}, 3: set()}
    assert NearDuplicateIndex(DUPS).near(DUPS[0]) == {1, 2}


def test_one_of_two_rewordings_is_picked():
    result = compose(DUPS, planned_minutes=20, topic_weights={"rag": 1}, seed=3)
    assert result.question_ids == [2, 3] and result.problems == []


def test_refusals_name_the_problem():
    assert compose(BANK, planned_minutes=20, topic_weights={"rag": -1}, seed=1).problems == [
        "Topic weights must be positive numbers: check rag."
    ]
    result = compose(BANK, planned_minutes=20, topic_weights={"rag": 1}, seed=1, kinds=[])
    assert result.problems == ["Choose at least one kind of question to include."]
    result = compose(BANK, planned_minutes=20, topic_weights={"quantum": 1}, seed=1)
    assert result.problems == ["No questions for the chosen topics (quantum): choose other topics."]
