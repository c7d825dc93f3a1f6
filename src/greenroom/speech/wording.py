"""The words of a spoken answer: filler words (with a cheap guess at whether "like", "so",
"actually", "you know" and "I mean" are fillers or real words there), the most-used content
words and the job description's terms.

Works on Whisper's word texts, which keep their punctuation ("Um,", "know."): a comma or a full
stop around a word is the cheapest sign that it stands apart from the sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HESITATIONS = frozenset(
    {"um", "umm", "uh", "uhh", "uhm", "er", "err", "erm", "ah", "hmm", "hm", "mm", "mhm"}
)
HESITATION_WEIGHT = 1.0  # a pure hesitation sound
DISCOURSE_WEIGHT = 0.5  # a real word used as a filler: less distracting, and less certain
_BOUNDARY = re.compile(r"[,.;:!?…—-]$")
# Words that start a noun phrase: "like a queue", "you know the cache", "I mean that ...".
_NOUN_PHRASE = _words(
    "a an the this that these those my our your his her their its some any every each one two "
    "three four five ten no it them him me us what how when where why who whether if which "
    "about to by"
)
# "like" is a verb or a comparison after these: "I like", "looks like", "something like".
_LIKE_AS_WORD_AFTER = _words(
    "i you we they would i'd we'd you'd they'd don't didn't doesn't do does did to not "
    "look looks looked looking sound sounds sounded seem seems seemed feel feels felt "
    "something anything nothing more much exactly things stuff tools languages"
)
_BE = _words("was is were are be been it's that's he's she's they're we're you're i'm there's")
_SO_AS_WORD_BEFORE = _words("think hope guess said say and or not if")
_SO_AS_WORD_NEXT = _words(
    "that much many far long good bad well on forth to called as often few little"
)
_ASKING = _words("do did don't if would could")

# Short, frequent words that say nothing about the answer's content.
STOPWORDS = _words(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves i'm i've i'd i'll we're we've we'd we'll it's that's there's they're don't
    didn't doesn't isn't wasn't weren't can't couldn't won't wouldn't let's really like
    actually basically know mean think thing things kind sort lot got get gets going went
    one two three well yeah okay right way something make made did done said say could"""
)


def normalise(word: str) -> str:
    """A word as spoken: lower case, curly apostrophes straightened, punctuation around it cut."""
    return word.lower().replace("’", "'").strip(' \t\n"“”()[]{},.;:!?…—-')


@dataclass(frozen=True)
class FillerMatch:
    """Words `start`..`end` (exclusive) of an answer are a filler of this weight."""

    start: int
    end: int
    text: str
    weight: float


def _ends_phrase(texts: Sequence[str], i: int) -> bool:
    """Word i is followed by punctuation, a hesitation, or nothing."""
    if i >= len(texts) - 1:
        return True
    return bool(_BOUNDARY.search(texts[i].strip())) or normalise(texts[i + 1]) in HESITATIONS


def _starts_phrase(texts: Sequence[str], i: int) -> bool:
    """Word i is the first, or follows punctuation or a hesitation."""
    return i == 0 or _ends_phrase(texts, i - 1)


def _next(norm: Sequence[str], i: int) -> str:
    return norm[i + 1] if i + 1 < len(norm) else ""


def _like_is_filler(texts: Sequence[str], norm: Sequence[str], i: int) -> bool:
    before, after = (norm[i - 1] if i else ""), _next(norm, i)
    if _starts_phrase(texts, i) and _ends_phrase(texts, i):
        return True  # ", like, "
    if before in _LIKE_AS_WORD_AFTER:
        return False  # "I like", "looks like", "something like"
    following = texts[i + 1].strip() if i + 1 < len(texts) else ""
    if after in _NOUN_PHRASE or following[:1].isdigit() or following[:1].isupper():
        return False  # "like a queue", "like Redis", "like 40 %": a comparison
    return _ends_phrase(texts, i) or before in _BE or _starts_phrase(texts, i)


def _so_is_filler(texts: Sequence[str], norm: Sequence[str], i: int) -> bool:
    if (norm[i - 1] if i else "") in _SO_AS_WORD_BEFORE or _next(norm, i) in _SO_AS_WORD_NEXT:
        return False  # "I think so", "and so on", "so that", "so much"
    return _ends_phrase(texts, i) or i == 0  # "So, ...", "so um", an answer opening on "So"


def _two_word_is_filler(texts: Sequence[str], norm: Sequence[str], i: int) -> bool:
    """ "you know" and "I mean" at i, i+1: fillers unless they take an object."""
    if (norm[i - 1] if i else "") in _ASKING:
        return False  # "do you know", "if you know"
    if _ends_phrase(texts, i + 1):
        return True  # "you know," "I mean,"
    if norm[i] == "i" and not _starts_phrase(texts, i):
        return False  # "what I mean is"
    following = texts[i + 2].strip() if i + 2 < len(texts) else ""
    return _next(norm, i + 1) not in _NOUN_PHRASE and not following[:1].isupper()


def find_fillers(texts: Sequence[str]) -> list[FillerMatch]:
    """Fillers in a sequence of word texts. Hesitations (um, uh, er, erm, ...) always count, at
    weight 1; "like", "so", "basically", "actually", "you know" and "I mean" count at weight
    0.5, only where the context suggests a filler (see docs/scoring.md for the rules)."""
    norm = [normalise(t) for t in texts]
    found: list[FillerMatch] = []
    i = 0
    while i < len(norm):
        word, pair = norm[i], f"{norm[i]} {_next(norm, i)}"
        if word in HESITATIONS:
            found.append(FillerMatch(i, i + 1, word, HESITATION_WEIGHT))
        elif pair in {"you know", "i mean"} and _two_word_is_filler(texts, norm, i):
            found.append(FillerMatch(i, i + 2, pair, DISCOURSE_WEIGHT))
            i += 1
        elif (
            word == "basically"
            or (word == "actually" and (_starts_phrase(texts, i) or _ends_phrase(texts, i)))
            or (word == "like" and _like_is_filler(texts, norm, i))
            or (word == "so" and _so_is_filler(texts, norm, i))
        ):
            found.append(FillerMatch(i, i + 1, word, DISCOURSE_WEIGHT))
        i += 1
    return found


def _is_content(word: str) -> bool:
    return (
        len(word) >= 3 and word not in STOPWORDS and word not in HESITATIONS and word[0].isalpha()
    )


def frequent_words(
    texts: Sequence[str], *, top: int = 5, at_least: int = 3
) -> list[tuple[str, int]]:
    """The content words said most often (at least `at_least` times), most frequent first."""
    counts = Counter(w for w in (normalise(t) for t in texts) if _is_content(w))
    return [(w, n) for w, n in counts.most_common() if n >= at_least][:top]


def _pieces(text: str) -> list[str]:
    return [p for p in re.split(r"[\s/-]+", normalise(text)) if p]


def find_terms(texts: Sequence[str], terms: Sequence[str]) -> list[tuple[str, int, int]]:
    """Where each of `terms` is said: (term, first word index, end word index exclusive), in the
    order spoken. Case, hyphens and spaces do not matter ("on-call" = "on call", "downtime" =
    "down time"), and a plural "s" is allowed."""
    pieces: list[tuple[str, int]] = [(p, i) for i, t in enumerate(texts) for p in _pieces(t)]
    found = []
    for term in dict.fromkeys(t.strip() for t in terms if t.strip()):
        target = "".join(_pieces(term))
        if not target:
            continue
        for k in range(len(pieces)):
            joined = ""
            for n in range(k, min(len(pieces), k + len(_pieces(term)) + 2)):
                joined += pieces[n][0]
                if joined in {target, target + "s"}:
                    found.append((term, pieces[k][1], pieces[n][1] + 1))
                    break
                if not target.startswith(joined):
                    break
    return sorted(set(found), key=lambda f: (f[1], f[0]))
