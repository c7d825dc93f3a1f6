"""The English the setup chat understands: the words for each setup choice, as patterns.

Each table maps a choice to the phrases that name it; `fill_slots` in setup_chat.py reads them.
A technology that is also an everyday word ("Go", "REST") is only taken written as a name.
"""

from __future__ import annotations

import re

from greenroom.questions.catalogue import ROLES

_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "frontend": (r"front[\s-]?end", r"(?:ui|web|react) (?:engineer|developer|dev)"),
    "backend": (r"back[\s-]?end", r"server[\s-]side", r"api (?:engineer|developer)"),
    "full_stack": (r"full[\s-]?stack",),
    "mobile": (r"mobile", r"(?:ios|android|app) (?:engineer|developer|dev)"),
    "devops_sre": (
        r"dev[\s-]?ops",
        r"sres?",
        r"site reliability",
        r"(?:platform|infrastructure) engineer(?:ing)?",
    ),
    "data_engineer": (r"data engineer(?:ing|s)?", r"etl (?:engineer|developer)"),
    "data_scientist": (r"data scien(?:ce|tists?)",),
    "ml_engineer": (r"ml(?:ops)?", r"machine[\s-]learning", r"ai engineer", r"deep learning"),
    "data_analyst": (r"data analy(?:st|sis|tics)", r"bi (?:analyst|developer)", r"analyst"),
    "qa": (r"qa", r"quality assurance", r"sdet", r"test(?:ing)? (?:engineer|automation)", "tester"),
    "security": (
        r"(?:cyber[\s-]?)?security",
        r"(?:app|info)[\s-]?sec",
        r"pen(?:etration)?[\s-]?test(?:er|ing)",
    ),
    "embedded": (r"embedded", r"firmware"),
    "cloud_architect": (r"(?:cloud |solutions? )architect", r"cloud"),
    "product_manager": (r"product manag(?:er|ement)", r"product owner", r"(?<!\d )(?-i:PM)"),
    "engineering_manager": (
        r"eng(?:ineering)? manag(?:er|ement)",
        r"head of engineering",
        r"(?-i:EM)",
    ),
    "ux_designer": (r"ui/ux", r"ux", r"user experience", r"(?:product |interaction )?designer"),
    "business_analyst": (r"business analy(?:st|sis)",),
    "project_manager": (
        r"project manag(?:er|ement)",
        r"program(?:me)? manager",
        r"scrum master",
        r"delivery manager",
    ),
    "technical_support": (
        r"tech(?:nical)? support",
        r"support engineer",
        r"help[\s-]?desk",
        r"customer support",
    ),
    "sales_engineer": (r"sales engineer", r"solutions? engineer", r"pre[\s-]?sales"),
}
_LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "intern": (r"intern(?:ship)?s?", r"placement", r"(?:university |college )?student"),
    "junior": (
        r"junior",
        r"jr\.?",
        r"entry[\s-]level",
        r"new[\s-]grad(?:uate)?",
        r"graduate",
        r"first job",
        r"beginner",
    ),
    "mid": (r"mid(?:dle)?[\s-]?level", r"mid", r"intermediate(?= (?:engineer|developer|role))"),
    "senior": (r"senior", r"sr\.?", r"(?:tech|team) lead", r"lead (?:engineer|developer|dev)"),
    "staff": (r"staff", r"principal", r"distinguished"),
    "manager": (r"(?<!hiring )manager", r"management", r"head of \w+", r"director"),
}
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "system_design": (
        r"systems?[\s-]design",
        r"(?:architecture|design) (?:interview|round|questions?)",
    ),
    "behavioural": (
        r"behaviou?r(?:al)?",
        r"soft[\s-]skills?",
        r"star (?:method|format|stories|questions?)",
        r"culture[\s-]fit",
        r"competency[\s-]based",
    ),
    "technical": (r"technical", r"tech (?:interview|round|questions?)"),
    "mixed": (r"mixed", r"mix", r"a bit of everything", r"all (?:kinds|types)", r"both kinds"),
}
_TOUGH = r"tough|strict|hard|harsh|demanding|rigorous|mean|grumpy|stern|no[\s-]nonsense"
_FRIENDLY = r"friendly|nice|kind|gentle|supportive|warm|encouraging|easy[\s-]going|relaxed|patient"
_NEUTRAL = r"neutral|formal|professional|standard"


def _persona_words(adjectives: str) -> tuple[str, ...]:
    return (
        rf"(?:{adjectives})(?:[\s,]+(?:but|and|yet|fair|very|really|[\w-]+ly)){{0,2}}"
        r"\s+(?:interviewer|persona|examiner)",
        r"interviewer\s+(?:(?:who|that)\s+is\s+|should\s+be\s+|to\s+be\s+|is\s+|be\s+)?"
        rf"(?:very\s+|really\s+|quite\s+|a\s+bit\s+)?(?:{adjectives})",
    )


_PERSONA_WORDS: dict[str, tuple[str, ...]] = {
    "tough": (
        *_persona_words(_TOUGH),
        r"grill me",
        r"(?:don'?t|do not) go easy",
        r"no mercy",
        r"be (?:tough|harsh|strict)",
    ),
    "friendly": (*_persona_words(_FRIENDLY), r"go easy on me", r"be (?:nice|kind|gentle)"),
    "neutral": _persona_words(_NEUTRAL),
}
_DIFFICULTY_WORDS: dict[str, tuple[str, ...]] = {
    "medium": (
        r"not (?:too |very |super )?(?:hard|difficult|tough|challenging)",
        r"medium",
        r"moderate",
        r"intermediate",
        r"(?:average|normal) difficulty",
    ),
    "easy": (r"easy", r"easier", r"simple", r"basic", r"gentle", r"warm[\s-]up"),
    "hard": (
        r"hard(?:er|est)?",
        r"difficult",
        r"challenging",
        r"tricky",
        r"tough(?:er)?",
        r"advanced",
        r"brutal",
        r"intense",
    ),
}
NUMBERS = {
    "one": 1,
    "a single": 1,
    "two": 2,
    "a couple of": 2,
    "a couple": 2,
    "three": 3,
    "a few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "half a dozen": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
}
_NUMBER = "|".join(sorted(NUMBERS, key=len, reverse=True))


def _named_groups(table: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    """One pattern whose leftmost match names its choice (`match.lastgroup`)."""
    groups = "|".join(f"(?P<{key}>{'|'.join(words)})" for key, words in table.items())
    return re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])", re.IGNORECASE)


ROLE = _named_groups(
    {
        role: (*_ROLE_WORDS[role], re.escape(label.lower()), role.replace("_", " "))
        for role, label in ROLES.items()
    }
)
LEVEL = _named_groups(_LEVEL_WORDS)
TYPE = _named_groups(_TYPE_WORDS)
PERSONA = _named_groups(_PERSONA_WORDS)
DIFFICULTY = _named_groups(_DIFFICULTY_WORDS)
CODING = re.compile(r"(?<![\w-])(?:coding|leetcode|algorithms? (?:interview|round))", re.I)
YEARS = re.compile(
    rf"(?<![\w-])(?P<n>\d{{1,2}}|{_NUMBER})\+?[\s-]*(?:years?|yrs?)(?![\w-])(?!\s+(?:ago|old))",
    re.IGNORECASE,
)
COUNT = re.compile(
    rf"(?<![\w-])(?P<n>\d{{1,3}}|{_NUMBER})(?:[\s-]+[a-z/-]+){{0,3}}?[\s-]+questions?(?![\w-])",
    re.IGNORECASE,
)
LENGTH = re.compile(
    r"(?<![\w-])(?:(?P<short>short|quick|brief)(?:\s+(?:one|interview|session|mock|round)\b|"
    r"(?=\s*(?:[.,;!?]|$)))|(?P<long>long|full[\s-]length)\s+(?:one|interview|session|mock))",
    re.IGNORECASE,
)
_NAME = r"[A-Z](?:[\w&'-]|\.(?=\w))*(?:\s+(?:&\s+)?[A-Z](?:[\w&'-]|\.(?=\w))*){0,3}"
# A company after "interview at", "job with", "company is": taken even if it names a technology.
COMPANY_STRONG = re.compile(
    r"(?i:(?:interview(?:ing|s)?|job|role|position|offer|onsite|loop|work(?:ing)?|apply(?:ing)?|"
    r"applied|developer|engineer|manager|designer|analyst|architect|scientist)"
    rf"\s+(?:at|with|for)\s+)(?P<name>{_NAME})"
    r"|(?i:company(?:'s| name)?\s*(?:is|:|called|named|=)\s*)(?P<named>[\w][\w&.'-]*)"
)
COMPANY_WEAK = re.compile(rf"(?<![\w-])(?i:at|for|with|join(?:ing)?)\s+(?P<name>{_NAME})")
NOT_A_COMPANY = frozenset(
    [
        "i",
        "me",
        "my",
        "a",
        "an",
        "the",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "them",
        "us",
        "we",
        "our",
        "he",
        "she",
        "they",
        "english",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "please",
        "thanks",
    ]
)

# Technologies that are also everyday words: only taken as written by someone naming them.
PROPER_FORMS = {
    "c": r"C(?![+#\w])",
    "go": r"Go(?![\w-])",
    "rest": r"REST",
    "dom": r"DOM",
    "excel": r"Excel",
    "unity": r"Unity",
    "vault": r"Vault",
    "fetch": r"Fetch API",
    "aria": r"ARIA",
    "curl": r"cURL",
    "pact": r"Pact",
    "envoy": r"Envoy",
    "feast": r"Feast",
    "coil": r"Coil",
    "evidently": r"Evidently(?= AI)",
    "backstage": r"Backstage",
    "iceberg": r"(?:Apache )?Iceberg",
    "axe": r"axe-core",
    "ping": r"ICMP ping",
    "dig": r"dig(?= command)",
    "cookies": r"(?:HTTP|browser) cookies",
    "browsers": r"web browsers",
    "react": r"React(?![\s-]?[Nn]ative)",
    "hilt": r"Hilt",
}
ALIASES = {
    "postgresql": r"postgres|psql|pg",
    "kubernetes": r"k8s|kube",
    "go": r"golang",
    "javascript": r"js|ecmascript",
    "typescript": r"ts",
    "nodejs": r"node(?:\.js| js)",
    "nextjs": r"next(?:\.js| js)",
    "react": r"react(?:\.js|js)",
    "scikit-learn": r"sklearn",
    "pytorch": r"torch",
    "mongodb": r"mongo",
    "elasticsearch": r"elastic",
    "ci-cd": r"ci/cd",
    "rest": r"restful|rest apis?",
    "aws": r"amazon web services",
    "c": r"c language|c programming|embedded c",
    "html": r"html5",
    "css": r"css3",
    "websockets": r"websocket",
    "webhooks": r"webhook",
    "service-workers": r"service[\s-]workers?",
    "web-workers": r"web[\s-]workers?",
    "oauth2": r"oauth 2(?:\.0)?",
    "github-actions": r"gh actions",
    "excel": r"ms excel|microsoft excel",
}
