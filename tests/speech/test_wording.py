"""Fillers, frequent words and job terms on Whisper-style word texts (punctuation attached)."""

from __future__ import annotations

import pytest

from greenroom.speech.wording import find_fillers, find_terms, frequent_words


def fillers(text: str) -> list[tuple[str, float]]:
    return [(f.text, f.weight) for f in find_fillers(text.split())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, I led the migration. Uh, it took three months.", [("um", 1.0), ("uh", 1.0)]),
        ("Erm the er cache", [("erm", 1.0), ("er", 1.0)]),
        ("So, like, the hard part, you know.", [("so", 0.5), ("like", 0.5), ("you know", 0.5)]),
        ("it was like really slow and we were like stuck", [("like", 0.5), ("like", 0.5)]),
        ("I mean, the cache was wrong.", [("i mean", 0.5)]),
        ("So the main thing is basically caching.", [("so", 0.5), ("basically", 0.5)]),
        ("Actually, we never tested it.", [("actually", 0.5)]),
    ],
)
def test_fillers_are_found_with_their_weights(text: str, expected: list[tuple[str, float]]) -> None:
    assert fillers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I like Python and it looks like a queue.",  # a verb, a comparison
        "We used languages like Go and tools like Redis.",  # named things after "like"
        "It handled like 40% of the traffic.",
        "I think so, and so on, so that we could ship.",  # "so" as a real word
        "Do you know the cache? You know the answer.",  # "know" with an object
        "What I mean is that it failed.",
        "It actually got slower.",  # emphasis, not set apart
    ],
)
def test_real_uses_of_filler_words_are_not_counted(text: str) -> None:
    assert fillers(text) == []


def test_frequent_content_words_skip_stopwords_and_fillers() -> None:
    words = "The cache was slow, so the cache got a cache layer with keys, keys and keys. Um um um"
    assert frequent_words(words.split()) == [("cache", 3), ("keys", 3)]


def test_job_terms_match_case_hyphens_spaces_and_plurals() -> None:
    text = "We ran Postgres, on-call rotations and Kubernetes clusters with no down time."
    words = text.split(" ")
    terms = ("postgres", "on call", "rotation", "Kubernetes cluster", "downtime", "Java")
    assert [(term, words[start:end]) for term, start, end in find_terms(words, terms)] == [
        ("postgres", ["Postgres,"]),
        ("on call", ["on-call"]),
        ("rotation", ["rotations"]),
        ("Kubernetes cluster", ["Kubernetes", "clusters"]),
        ("downtime", ["down", "time."]),
    ]
