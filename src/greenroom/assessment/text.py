"""Plain-text measurements of an answer: words, sentences, first person, hedges, fillers."""

from __future__ import annotations

import re

from greenroom.questions.matcher import split_sentences

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)?%?")
FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)
TEAM = re.compile(r"\b(we|we're|we've|we'd|our|us)\b", re.IGNORECASE)
HEDGES = re.compile(
    r"\b(maybe|perhaps|i think|i guess|i suppose|probably|sort of|kind of|i'm not sure|"
    r"i am not sure|might|possibly|i believe|hopefully|somewhat)\b",
    re.IGNORECASE,
)
FILLERS = re.compile(
    r"\b(um+|uh+|erm|you know|basically|literally|so yeah|i mean)\b", re.IGNORECASE
)
NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent|ms|s|seconds|minutes|hours|days|weeks|months|x|k|gb|mb|"
    r"tb|users|requests|rps|qps)?\b|\b(?:twice|double|half|a third|three times|ten times)\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(text: str) -> list[str]:
    return split_sentences(text)


def last_sentence_with(pattern: re.Pattern[str], text: str) -> str:
    for sentence in reversed(sentences(text) or [text]):
        if pattern.search(sentence):
            return sentence
    return ""


def first_sentence_with(pattern: re.Pattern[str], text: str) -> str:
    for sentence in sentences(text) or [text]:
        if pattern.search(sentence):
            return sentence
    return ""


# Stock phrases that sound like an answer without saying anything checkable.
BUZZ = re.compile(
    r"\b(best practices?|align(?:ed|ing|ment)?|stakeholders?|seamless(?:ly)?|robust|leverag\w*|"
    r"holistic|synerg\w*|empower\w*|strategic|future-proof|at the end of the day|"
    r"above and beyond|data-driven|data-informed|outcomes over outputs|delightful|passionate|"
    r"journey|mindset|world-class|cutting-edge|game-changer|unlock\w*|north star|big picture|"
    r"top priority|at (?:the|its) (?:heart|core)|fundamentally|ultimately|proactive(?:ly)?|"
    r"on the same page|thrive|resilien\w*|deliver(?:ing)? value|business value|"
    r"operational excellence|continuous improvement|psychological safety|customer[- ]first|"
    r"customer[- ]centric|high[- ]quality|world class|industry[- ]standard|"
    r"modern|mature|differentiator|strategic capability|compelling|meaningful|impactful|"
    r"cloud-native|highly scalable|scale seamlessly|end-to-end|state-of-the-art|"
    r"i always|i'm a (?:very |deeply )?\w+[- ]driven person)\b",
    re.IGNORECASE,
)
