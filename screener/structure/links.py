"""Links: from URI annotations and from URLs printed in the text, classified by host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from screener.document import Link, LinkKind
from screener.vocabulary import Vocabulary

#: A printed URL: with a scheme, starting "www.", or a bare known-looking host with a path.
#: Links written out in text. A host is at most eight labels of at most 63 characters (DNS's own limit), which also keeps
#: the scan linear on a long run of word characters and hyphens.
URL_IN_TEXT = re.compile(
    r"(?<![@\w.])(?:(?:https?://)[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+|(?<!-)(?:[a-z0-9-]{1,63}\.){1,8}(?:com|org|io|ai|co|net|dev|me|app|xyz|tech|page|site|info|in|uk|de)/[^\s<>\"')\]]+)",
    re.IGNORECASE,
)
EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TRAILING_PUNCTUATION = ".,;:!?|"


def host_of(url: str) -> str:
    """The URL's host, or "" when it has none or urlsplit refuses it ("https://[abc", a full-width "＃")."""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return ""
    return (parts.hostname or "").casefold().removeprefix("www.")


def classify(url: str, vocab: Vocabulary) -> LinkKind:
    if url.casefold().startswith("mailto:"):
        return LinkKind.EMAIL
    host = host_of(url)
    if not host:
        return LinkKind.OTHER
    for kind, hosts in vocab.link_hosts.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return kind
    if url.casefold().startswith(("tel:", "javascript:", "file:", "data:")):
        return LinkKind.OTHER
    return LinkKind.PERSONAL


def normalise_url(url: str) -> str:
    url = url.strip().rstrip(TRAILING_PUNCTUATION)
    if url.casefold().startswith("www."):
        url = "https://" + url
    elif "://" not in url and not url.casefold().startswith(("mailto:", "tel:")):
        url = "https://" + url
    return url


def _may_hold_url(text: str) -> bool:
    """Whether URL_IN_TEXT can match at all: each of its forms holds a "/" or "www."; most lines of a resume hold neither."""
    return "/" in text or "www." in text.casefold()


def links_in_text(text: str, page: int | None, vocab: Vocabulary) -> list[Link]:
    links = []
    for match in URL_IN_TEXT.finditer(text) if _may_hold_url(text) else ():
        raw = match.group(0).rstrip(TRAILING_PUNCTUATION)
        url = normalise_url(raw)
        links.append(Link(url=url, kind=classify(url, vocab), text=raw, page=page, source="text"))
    for match in EMAIL_IN_TEXT.finditer(text) if "@" in text else ():
        links.append(Link(url="mailto:" + match.group(0), kind=LinkKind.EMAIL, text=match.group(0), page=page, source="text"))
    return links


def merge_links(links: list[Link]) -> tuple[Link, ...]:
    """Keep one link per URL, preferring the annotation (it is what a click opens)."""
    seen: dict[str, Link] = {}
    for link in links:
        key = link.url.casefold().rstrip("/")
        if key not in seen or (seen[key].source == "text" and link.source == "annotation"):
            seen[key] = link
    return tuple(seen.values())
