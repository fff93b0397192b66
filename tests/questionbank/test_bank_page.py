import re

import pytest
from django.urls import reverse

from questionbank.models import Kind, Level, Question, QuestionStatus, Topic
from tests.factories import LevelFactory, QuestionFactory, TopicFactory, make_bank

URL = reverse("questionbank:bank")


@pytest.fixture
def small_bank(db):
    intern = LevelFactory(name="Intern", slug="intern", rank=1)
    engineer = LevelFactory(name="Engineer", slug="engineer", rank=3)
    rag = TopicFactory(name="RAG", slug="rag")
    tok = TopicFactory(name="Tokenization", slug="tokenization")
    return {
        "token": QuestionFactory(
            text="What is a token?", difficulty=1, levels=[intern], topics=[tok]
        ),
        "bpe": QuestionFactory(
            text="How does BPE tokenization work?", difficulty=3, levels=[intern], topics=[tok]
        ),
        "rag": QuestionFactory(
            text="Design a RAG system for support tickets",
            difficulty=5,
            kind=Kind.SYSTEM_DESIGN,
            levels=[engineer],
            topics=[rag],
        ),
        "retired": QuestionFactory(
            text="A retired token question",
            status=QuestionStatus.RETIRED,
            levels=[intern],
            topics=[tok],
        ),
    }


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_full_page_lists_active_questions_only(client_user, small_bank):
    response = client_user.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "What is a token?" in html and "Design a RAG system" in html
    assert "A retired token question" not in html
    assert "3 questions." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=token", {"token", "bpe"}),
        ("q=BPE+works", set()),
        ("q=bpe+TOKENIZATION", {"bpe"}),
        ("level=engineer", {"rag"}),
        ("topic=tokenization", {"token", "bpe"}),
        ("difficulty=3", {"bpe"}),
        ("kind=system_design", {"rag"}),
        ("level=intern&difficulty=1", {"token"}),
    ],
)
def test_filters(client_user, small_bank, query, expected):
    html = client_user.get(f"{URL}?{query}").content.decode()
    shown = {key for key, q in small_bank.items() if q.text in html}
    assert shown == expected


def test_htmx_returns_only_the_results_fragment(client_user, small_bank):
    response = client_user.get(f"{URL}?q=token", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.strip().startswith('<section id="results"')
    assert "What is a token?" in html and "Design a RAG" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(client_user, small_bank):
    response = client_user.get(
        f"{URL}?q=token", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_filter_state_is_in_the_form_and_pagination_links(client_user, db):
    make_bank(60)
    html = client_user.get(f"{URL}?q=Bulk&page=2").content.decode()
    assert 'value="Bulk"' in html
    assert "Page 2 of 3" in html
    assert "?q=Bulk&amp;page=3" in html and "?q=Bulk&amp;page=1" in html


def test_empty_results_say_so(client_user, small_bank):
    html = client_user.get(f"{URL}?q=zebra").content.decode()
    assert "No questions match these filters" in html


@pytest.mark.parametrize("query", ["level=nope", "difficulty=9", "kind=poem"])
def test_bad_filters_get_a_clear_error(client_user, small_bank, query):
    response = client_user.get(f"{URL}?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in html and "What is a token?" not in html


@pytest.mark.parametrize("query", ["topic=%00", "q=a%00b", "level=%00"])
def test_a_nul_byte_is_a_bad_request(client_user, small_bank, query):
    response = client_user.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_bad_page_number_falls_back(client_user, small_bank):
    assert client_user.get(f"{URL}?page=abc").status_code == 200
    assert client_user.get(f"{URL}?page=999").status_code == 200


def test_guidance_is_expandable(client_user, small_bank):
    html = client_user.get(URL).content.decode()
    assert '<details class="guidance">' in html and "First point" in html


def test_query_count_does_not_grow_with_the_bank(client_user, django_assert_num_queries, db):
    make_bank(30)
    client_user.get(URL)  # counts the topics into the cache
    # session, user, the user's groups (the rules), the topic counts (cached), the page's count,
    # levels, topics, questions and their levels and topics
    with django_assert_num_queries(10) as ctx:
        client_user.get(URL)
    small = len(ctx.captured_queries)
    make_bank(3000, levels=None, topics=None)  # drops the cached counts
    client_user.get(f"{URL}?q=Bulk&page=7")
    with django_assert_num_queries(small):
        response = client_user.get(f"{URL}?q=Bulk&page=7")
    assert response.status_code == 200
    # A level and a topic chosen: one more each to check them; the counts stay cached.
    client_user.get(f"{URL}?level=bulk-l1")  # the level's counts into the cache
    with django_assert_num_queries(small + 2):
        response = client_user.get(f"{URL}?level=bulk-l1&topic=bulk-t1&page=2")
    expected = Question.objects.active().filter(levels__slug="bulk-l1", topics__slug="bulk-t1")
    assert f"Bulk T1 ({expected.count()})" in response.content.decode()
    # The results alone, with the topic choices for the level: the same less the level choices.
    with django_assert_num_queries(small + 1):
        response = client_user.get(f"{URL}?level=bulk-l1&topic=bulk-t1", headers=HX)
    assert 'hx-swap-oob="innerHTML"' in response.content.decode()


HX = {"HX-Request": "true"}


def topic_options(html: str) -> dict[str, str]:
    """The topic select's options: value -> label ("" is "Any topic")."""
    pattern = r'<(select name="topic"|datalist id="bank-topic")[^>]*>(.*?)</(select|datalist)>'
    select = re.search(pattern, html, re.S).group(2)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_topic_choices_follow_the_level_with_their_counts(client_user, small_bank):
    # No level: every topic with its active questions (the retired one not counted).
    html = client_user.get(URL).content.decode()
    assert topic_options(html) == {
        "": "Any topic",
        "rag": "RAG (1)",
        "tokenization": "Tokenization (2)",
    }
    # A level: its topics only, with their counts there; the others are hidden...
    html = client_user.get(f"{URL}?level=intern").content.decode()
    assert topic_options(html) == {"": "Any topic", "tokenization": "Tokenization (2)"}
    html = client_user.get(f"{URL}?level=engineer").content.decode()
    assert topic_options(html) == {"": "Any topic", "rag": "RAG (1)"}
    # ... unless chosen: then it shows its 0 and the filter stays valid.
    html = client_user.get(f"{URL}?level=intern&topic=rag").content.decode()
    assert topic_options(html) == {
        "": "Any topic",
        "tokenization": "Tokenization (2)",
        "rag": "RAG (0)",
    }
    assert '<option value="rag" selected>RAG (0)</option>' in html
    assert "0 questions match these filters" in html and "not valid" not in html


def test_a_level_change_updates_the_topic_choices_in_place(client_user, small_bank):
    """The results fragment carries the topic options for the level, swapped out of band
    into the topic select (its options only: the select keeps its focus and its listeners)."""
    response = client_user.get(f"{URL}?level=intern", headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    oob = re.search(r'<datalist id="bank-topic" hx-swap-oob="innerHTML">', html)
    assert oob is not None and oob.start() > html.index("</section>")
    assert topic_options(html) == {"": "Any topic", "tokenization": "Tokenization (2)"}


def test_topic_counts_count_each_question_once(db):
    intern, engineer = (
        Level.objects.create(name="I", slug="i", rank=1),
        Level.objects.create(name="E", slug="e", rank=2),
    )
    rag, tok, empty = (TopicFactory(slug=slug) for slug in ("rag", "tok", "empty"))
    QuestionFactory(levels=[intern, engineer], topics=[rag, tok])
    QuestionFactory(levels=[engineer], topics=[rag])
    QuestionFactory(levels=[intern, engineer], topics=[rag], status=QuestionStatus.RETIRED)

    def counts(level=None):
        return dict(Topic.objects.with_question_counts(level).values_list("slug", "question_count"))

    assert counts() == {"rag": 2, "tok": 1, "empty": 0}
    assert counts(intern) == {"rag": 1, "tok": 1, "empty": 0}
    assert counts("e") == {"rag": 2, "tok": 1, "empty": 0}
    assert counts("nowhere") == {"rag": 0, "tok": 0, "empty": 0}
    assert set(Topic.objects.for_choices("i", keep="empty").values_list("slug", flat=True)) == {
        "rag",
        "tok",
        "empty",
    }
    assert set(Topic.objects.for_choices("i").values_list("slug", flat=True)) == {"rag", "tok"}


def test_the_guide_bank_page(client_user, guide_bank):
    html = client_user.get(f"{URL}?topic=tokenization").content.decode()
    assert "5 questions match these filters" in html
    assert "What is a token in a language model?" in html
    assert "A strong answer covers" in html and "Red flags" in html


def test_question_detail(client_user, small_bank):
    question = small_bank["rag"]
    html = client_user.get(reverse("questionbank:detail", args=[question.pk])).content.decode()
    assert question.text in html and "4 Excellent" in html
    assert client_user.get(reverse("questionbank:detail", args=[999999])).status_code == 404
