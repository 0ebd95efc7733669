"""The Jinja2 environment of the pages, and the labels they show for stored codes."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates

from app import config
from app.models import TALK_KINDS
from app.search.highlight import mark
from app.web.reads import ROLE_LABELS

templates = Jinja2Templates(directory=str(config.TEMPLATES_DIR))
templates.env.globals["role_labels"] = ROLE_LABELS
templates.env.globals["kinds"] = TALK_KINDS
templates.env.globals["match_labels"] = {
    "alias": "known alias",
    "sounds_like": "sounds alike",
    "fuzzy": "similar spelling",
    "similar": "similar spelling",
    "partial": "part of the name",
}
# What a hit found by a variant holds: an alias is another name for the term, the rest a mishearing.
templates.env.globals["heard_verbs"] = {"alias": "says"}
templates.env.globals["method_labels"] = {
    "heading": "named in the heading",
    "handover": "introduced by the host",
    "addressed": "addressed by name",
    "self_intro": "introduced themselves",
    "thanks_host": "thanked the host",
    "continuation": "continues the previous turn",
    "host_question": "the host's question",
}
# How a hit of the one ranking was found, when not by every term (variants say what was heard).
templates.env.globals["how_found"] = {
    "words": "has some of the words",
    "translated": "says it in the other language",
    "semantic": "similar meaning",
    "context": "next to passages that match",
    "related": "has most of the words",
}
templates.env.filters["mark"] = mark

templates.env.globals["sure_confidence"] = config.SURE_CONFIDENCE
