"""Whole transcripts as Markdown and plain-text files, with the talk's facts and permalinks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from markupsafe import Markup

from app import config
from app.models import Chapter, Segment, Slide
from app.web.deps import TalkDep
from app.web.reads import ROLE_LABELS, TalkDetail
from app.web.templating import templates

downloads = APIRouter(include_in_schema=False)

DOWNLOADS = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}


@downloads.get("/talks/{talk_id}.md")
def talk_markdown(request: Request, detail: TalkDep) -> Response:
    """The whole transcript as a Markdown file, with the talk's facts and permalinks."""
    return talk_download(request, detail, "md")


@downloads.get("/talks/{talk_id}.txt")
def talk_text(request: Request, detail: TalkDep) -> Response:
    """The whole transcript as a plain-text file."""
    return talk_download(request, detail, "txt")


def talk_download(request: Request, detail: TalkDetail, fmt: Literal["md", "txt"]) -> Response:
    talk_id = detail.talk.id
    permalink = str(request.base_url).rstrip("/") + "/talks/" + quote(talk_id)
    body = transcript_markdown(detail, permalink) if fmt == "md" else transcript_text(detail, permalink)
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in talk_id)
    disposition = f"attachment; filename=\"{ascii_name}.{fmt}\"; filename*=UTF-8''{quote(talk_id)}.{fmt}"
    return PlainTextResponse(body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})


def _facts(detail: TalkDetail) -> list[tuple[str, str]]:
    talk = detail.talk
    where = " › ".join(p for p in (talk.event, talk.forum if talk.forum != talk.title else None, talk.session) if p)
    people = ", ".join(f"{p.name} ({ROLE_LABELS.get(p.role, p.role)})" for p in detail.speakers)
    video = detail.video_url
    return [
        (label, value)
        for label, value in (
            ("Event", where),
            ("Speakers", people),
            ("Part", f"P{talk.part}" if talk.part is not None else ""),
            ("Date", str(talk.date or "")),
            ("Video", video or ""),
        )
        if value
    ]


def _turns(detail: TalkDetail) -> Iterator[tuple[Chapter | None, Segment, str | None]]:
    """(chapter starting here, segment, speaker's name where the speaker changes) for each segment."""
    chapter_at, previous = detail.chapter_at, None
    for seg in detail.segments:
        name = detail.speaker_names.get(seg.speaker_id, seg.speaker_id) if seg.speaker_id else None
        if name and (seg.confidence is None or seg.confidence < config.SURE_CONFIDENCE):
            name += " (?)"
        yield chapter_at.get(seg.number), seg, (name if name != previous else None)
        previous = name


def _chapter_label(detail: TalkDetail, chapter: Chapter) -> str:
    """The page's label for a sub-talk, as plain text."""
    return Markup(templates.env.get_template("_chapter_label.html").render(detail=detail, c=chapter)).unescape()


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_<>&"})


def _md(text: str) -> str:
    """Transcript text as literal Markdown: emphasis, code, HTML and entities escaped, `[x](y)` never a link."""
    return text.translate(_MARKDOWN_SPECIAL).replace("](", "]\\(")


_URL_SAFE = ":/?#@!$&'*+,;=%~"  # everything else (spaces, quotes, brackets, parentheses) is percent-encoded


def _markdown_slide(slide: Slide) -> str:
    if slide.url.startswith(("https://", "http://")):
        return f"![Slide]({quote(slide.url, safe=_URL_SAFE)})"
    return f"*(slide not available: {_md(slide.url)})*"


def transcript_markdown(detail: TalkDetail, permalink: str) -> str:
    lines = [f"# {_md(detail.talk.title)}", ""]
    lines += [f"- {label}: " + (f"<{value}>" if label == "Video" else _md(value)) for label, value in _facts(detail)]
    lines += [f"- Transcript: <{permalink}>", ""]
    lines += [_markdown_slide(slide) + "\n" for slide in detail.slides_after.get(0, [])]
    for chapter, seg, speaker in _turns(detail):
        if chapter:
            lines += [f"## {_md(_chapter_label(detail, chapter))}", ""]
        who = f"**{_md(speaker)}:** " if speaker else ""
        lines += [f"[{seg.number}]({permalink}#s{seg.number}) {who}{_md(seg.text)}", ""]
        lines += [_markdown_slide(slide) + "\n" for slide in detail.slides_after.get(seg.number, [])]
    return "\n".join(lines).rstrip() + "\n"


def transcript_text(detail: TalkDetail, permalink: str) -> str:
    lines = [detail.talk.title, ""]
    lines += [f"{label}: {value}" for label, value in _facts(detail)]
    lines += [f"Transcript: {permalink} (segment N: {permalink}#sN)", ""]
    for chapter, seg, speaker in _turns(detail):
        if chapter:
            lines += ["", f"== {_chapter_label(detail, chapter)} ==", ""]
        lines += [f"[{seg.number}] " + (f"{speaker}: " if speaker else "") + seg.text, ""]
    return "\n".join(lines).rstrip() + "\n"
