from __future__ import annotations

from newspulse.write.evidence import (
    ArticleFacts,
    Candidate,
    Fact,
    article_candidates,
    best_candidates,
    is_analysis,
    same_fact,
    standalone_problem,
    support_score,
)
from tests.write.helpers import make_article

MATX = (
    "Artificial Intelligence chip startup MatX has raised $500 million in a Series B funding "
    "round to accelerate development of its MatX One processor. This signals a shift. "
    "We think you should subscribe today. "
    "The round was led by Jane Street and Situational Awareness, the fund of Leopold "
    "Aschenbrenner, with the chip due in 2027."
)


def test_candidates_drop_dangling_first_person_and_markup() -> None:
    article = make_article(1, MATX.replace("MatX One", "**MatX One**"))
    texts = [c.text for c in article_candidates(article)]
    assert texts[0].startswith("Artificial Intelligence chip startup MatX has raised $500 million")
    assert "**" not in texts[0]
    assert not any(t.startswith(("This signals", "We think")) for t in texts)
    pointed = make_article(2, MATX.replace("MatX One", "MatX One (Source 3)"))
    assert "MatX One processor" in article_candidates(pointed)[0].text
    told = make_article(4, '"The Jets now have a future with picks," a longtime NFL scout told me.')
    assert article_candidates(told) == []
    reported = make_article(3, "As per crypto news reports, " + MATX)
    assert article_candidates(reported)[0].text.startswith("Artificial Intelligence chip")


def test_support_requires_the_same_figures_and_names() -> None:
    (candidate, *_rest) = article_candidates(make_article(1, MATX))
    agrees = ArticleFacts.of(
        make_article(2, "MatX raised $500M in a Series B round for its MatX One processor chip.")
    )
    other_amount = ArticleFacts.of(
        make_article(3, "MatX raised $250 million in a Series B round for its processor chip.")
    )
    assert support_score(candidate, ArticleFacts.of(make_article(1, MATX))) == 1.0
    assert support_score(candidate, agrees) >= 0.5
    assert support_score(candidate, other_amount) == 0.0


def test_best_candidate_is_cited_by_every_supporter() -> None:
    articles = [
        make_article(1, MATX),
        make_article(2, "MatX raised $500M in a Series B funding round for the MatX One chip."),
        make_article(3, "Bitcoin fell below $90,000 on Friday as ETF outflows grew."),
    ]
    facts = [ArticleFacts.of(a) for a in articles]
    candidates = [c for a in articles for c in article_candidates(a)]
    best, supporters = best_candidates(candidates, facts)[0]
    assert "$500" in best.text
    assert {article_id for article_id, _ in supporters} == {1, 2}


def test_same_fact_catches_paraphrased_figures() -> None:
    a = Fact("Alphabet said it expects 2026 capital expenditures of $175 billion to $185 billion.")
    b = Fact("Alphabet disclosed expected 2026 capex of $175B to $185B.")
    c = Fact("Meta signed three nuclear energy agreements with Vistra, Oklo and TerraPower.")
    assert same_fact(a, b)
    assert not same_fact(a, c)


def test_implications_look_ahead_not_back() -> None:
    ahead = [
        "Analysts said the Cerebras deal could add $2 billion to OpenAI's compute bill.",
        "Nvidia is expected to report $65 billion of revenue in the next quarter.",
        "Micron is set to open a $9.6 billion HBM plant in Hiroshima in 2027.",
    ]
    back = [
        "Piastri closed on Bearman but could not deny the rookie a fourth place at Mexico City.",
        "Moments later it could've been two for Forest, but Igor Jesus had handled the ball.",
        "Sabalenka appeared poised to finish the match at 5-4 before Anisimova broke back.",
        "A missed overhead let Anisimova break back and push the set to a 7-3 tiebreak.",
        "Tottenham could barely escape their own half, with one pass in the final third.",
    ]
    assert all(is_analysis(Candidate(text=text)) for text in ahead)
    assert not any(is_analysis(Candidate(text=text)) for text in back)


def test_an_amount_about_ai_in_general_names_no_one() -> None:
    acquisition = Fact(
        "Nvidia announced that it will acquire assets from AI chip startup Groq for about "
        "$20 billion."
    )
    raise_ = Fact("xAI, the AI venture founded by Elon Musk, closed a $20 billion Series E round.")
    retold = Fact("Nvidia will pay $20 billion for the technology of inference chip maker Groq.")
    assert not same_fact(acquisition, raise_)
    assert same_fact(acquisition, retold)


def test_a_name_or_a_number_opens_a_sentence_that_stands_alone() -> None:
    """ "The New York ..." is a name and "One of President Trump's nominees" a number: both
    stand alone; "The new rules" and "One of them" lean on an earlier sentence."""
    alone = [
        "The New York Times said it could not verify the claims of the podcast's source.",
        "One of President Trump's judicial nominees failed to answer basic legal questions.",
        "One Capitol Police officer was killed after a car rammed a barrier at the Capitol.",
        "One of the largest ships in the world was refloated in the Suez Canal by tugboats.",
    ]
    leaning = [
        "The new rules take effect for every federal agency across the country in March.",
        "One of them said the Senate would vote on the bill before the August recess.",
    ]
    for text in alone:
        assert standalone_problem(text, set()) is None, text
    for text in leaning:
        assert standalone_problem(text, set()) == "dangling opener", text


def test_a_weekday_written_with_its_date_is_not_relative_time() -> None:
    dated = Candidate(text="G42 and Cerebras announced on Thursday 19 Feb an 8 exaflop system.")
    bare = Candidate(text="G42 and Cerebras announced on Thursday an 8 exaflop system.")
    assert not dated.has_relative_time
    assert bare.has_relative_time


def test_first_person_is_the_writer_or_a_speaker_not_an_abbreviation() -> None:
    """ "I" inside "F.B.I." or "(I-Vt.)" and the numeral of "World War I" are no one speaking;
    "We", capitalised, is the outlet speaking as surely as "we"."""
    alone = [
        "President Trump accused James B. Comey, the fired F.B.I. director, of lying to Congress.",
        "Sen. Bernie Sanders (I-Vt.) and Joe Biden cancelled their rallies in Cleveland, Ohio.",
        "Veterans built the World War I memorial in Bladensburg, Maryland, in 1925.",
    ]
    speaking = [
        "We pay respects to our 41st president for his lifetime of public service.",
        "I also think that the ruling gives great hope to the families in Ohio.",
        "You may be off the hook for the tax if you live in Deerfield, Illinois.",
    ]
    for text in alone:
        assert standalone_problem(text, set()) is None, text
    for text in speaking:
        assert standalone_problem(text, set()) == "first person or instruction", text


def test_there_is_leans_on_nothing_but_there_as_a_place_does() -> None:
    existential = "There were at least 3,963 COVID-19 deaths, according to a Times tracker."
    place = "There, officials from Ohio and Texas met the governor to discuss the pipeline."
    assert standalone_problem(existential, set()) is None
    assert standalone_problem(place, set()) == "dangling opener"
