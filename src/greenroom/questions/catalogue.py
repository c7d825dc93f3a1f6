"""The fixed vocabularies of interviews: roles, levels, types, difficulties, kinds, competencies."""

from __future__ import annotations

from enum import StrEnum


class QuestionType(StrEnum):
    BEHAVIOURAL = "behavioural"
    TECHNICAL = "technical"
    SYSTEM_DESIGN = "system_design"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Kind(StrEnum):
    CONCEPTUAL = "conceptual"
    IMPLEMENTATION = "implementation"
    DEBUGGING = "debugging"
    DESIGN = "design"


class Level(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"
    MANAGER = "manager"


class Competency(StrEnum):
    OWNERSHIP = "ownership"
    CONFLICT = "conflict"
    FAILURE = "failure"
    LEADERSHIP = "leadership"
    TEAMWORK = "teamwork"
    AMBIGUITY = "ambiguity"
    CUSTOMER_FOCUS = "customer_focus"
    COMMUNICATION = "communication"
    PRIORITISATION = "prioritisation"
    LEARNING = "learning"
    INFLUENCE = "influence"
    DELIVERY = "delivery"


ROLES: dict[str, str] = {
    "frontend": "Frontend engineer",
    "backend": "Backend engineer",
    "full_stack": "Full stack engineer",
    "mobile": "Mobile engineer",
    "devops_sre": "DevOps / SRE",
    "data_engineer": "Data engineer",
    "data_scientist": "Data scientist",
    "ml_engineer": "ML engineer",
    "data_analyst": "Data analyst",
    "qa": "QA engineer",
    "security": "Security engineer",
    "embedded": "Embedded engineer",
    "cloud_architect": "Cloud architect",
    "product_manager": "Product manager",
    "engineering_manager": "Engineering manager",
    "ux_designer": "UX designer",
    "business_analyst": "Business analyst",
    "project_manager": "Project manager",
    "technical_support": "Technical support engineer",
    "sales_engineer": "Sales engineer",
}

# Roles whose interviews include system-design questions in a mixed interview.
DESIGN_ROLES = frozenset(
    {
        "frontend",
        "backend",
        "full_stack",
        "mobile",
        "devops_sre",
        "data_engineer",
        "ml_engineer",
        "security",
        "embedded",
        "cloud_architect",
        "engineering_manager",
    }
)

LEVEL_LABELS: dict[str, str] = {
    "intern": "Intern",
    "junior": "Junior",
    "mid": "Mid-level",
    "senior": "Senior",
    "staff": "Staff / principal",
    "manager": "Manager",
}
