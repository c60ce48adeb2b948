"""RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds, Google Alerts included.

RSS 1.0 puts ``channel`` and its ``item`` elements side by side under ``rdf:RDF``, all in the
``http://purl.org/rss/1.0/`` namespace; an item's ``rdf:about`` is its id when it has no
``link``.  The author comes from the item's ``itunes:author``, ``dc:creator``, ``author`` or
Atom ``author/name``, else from the channel's ``itunes:author`` / ``dc:creator`` (Atom: the
feed's ``author``).  Whitespace or a byte-order mark before ``<?xml`` is tolerated: servers
and templates emit it, and browsers and feed readers accept it.

Conditional GET (``ETag``/``If-None-Match``, ``Last-Modified``/``If-Modified-Since``) kept in
the cursor with the ids of the entries already returned (bounded).  Google's redirect links
are unwrapped to the real URL.  The XML parser refuses any DTD or entity declaration, so a
hostile feed cannot expand entities or reach local files.
"""

from __future__ import annotations

import email.utils
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat

from .base import (
    FetchResult,
    SourceAdapter,
    SourceError,
    _lt,
    author_dict,
    iso_utc,
    platform_from,
    register,
    strip_html,
    unwrap_redirect,
)

SEEN_MAX = 2000
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
# RSS 1.0 and its predecessor RSS 0.90 (also RDF, older namespace).
_RDF_NS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_BOMS = (b"\xef\xbb\xbf",)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class FeedError(ValueError):
    pass


def _forbid(*_args):
    raise FeedError("the feed declares a DTD or entities, which are refused")


def _qname(name):
    # expat with namespace_separator "}" gives "uri}local"; ElementTree wants "{uri}local".
    return "{" + name if "}" in name else name


def parse_xml(content):
    """An ElementTree root from bytes; FeedError for DTDs, entities or malformed XML.

    Built on expat directly (the C ElementTree parser hides its expat handlers) so that a
    DOCTYPE or an entity declaration stops parsing before anything is expanded.
    """
    builder = ET.TreeBuilder()
    expat = xml.parsers.expat.ParserCreate(namespace_separator="}")
    expat.buffer_text = True
    expat.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    expat.StartDoctypeDeclHandler = _forbid
    expat.EntityDeclHandler = _forbid
    expat.UnparsedEntityDeclHandler = _forbid
    expat.ExternalEntityRefHandler = _forbid
    expat.StartElementHandler = lambda name, attrs: builder.start(
        _qname(name), {_qname(k): v for k, v in attrs.items()}
    )
    expat.EndElementHandler = lambda name: builder.end(_qname(name))
    expat.CharacterDataHandler = builder.data
    try:
        expat.Parse(_trim_prolog(content), True)
        return builder.close()
    except xml.parsers.expat.ExpatError as exc:
        raise FeedError(f"the feed is not well-formed XML ({exc})") from None


def _trim_prolog(content):
    """The document without the whitespace (and UTF-8 byte-order mark) some servers put
    before ``<?xml``, which XML forbids there and expat refuses."""
    if isinstance(content, str):
        return content.lstrip("\ufeff \t\r\n")
    data = bytes(content or b"")
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
    return data.lstrip(b" \t\r\n")


def _text(element, path, ns=None):
    ns = _NS if ns is None else ns
    found = element.find(path, ns) if element is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _rfc822(value):
    if not value:
        return ""
    try:
        return iso_utc(email.utils.parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return value  # ISO dates in RSS happen; schema.parse_datetime reads them


def _rss_author(value):
    """RSS ``author`` is ``email (Name)``; dc:creator is a plain name."""
    match = re.match(r"^\s*(\S+@\S+)\s*\((.+)\)\s*$", value or "")
    if match:
        return author_dict(match.group(1), match.group(2))
    return author_dict(value, value) if value else None


def _record(ext, url, title, body, published, author, lang, platform, raw):
    url = unwrap_redirect(url)
    title = strip_html(title)
    return {
        "external_id": ext or url,
        "url": url,
        "title": title,
        "text": strip_html(body) or title,
        "published_at": published,
        "platform": platform or platform_from(url, "news"),
        "lang": lang,
        "author": author,
        "raw": raw,
    }


def _first(element, paths, ns=None):
    ns = _NS if ns is None else ns
    for path in paths:
        value = _text(element, path, ns)
        if value:
            return value
    return ""


def _item_author(item, fallback=None):
    """``itunes:author``, ``dc:creator``, ``author`` (``email (Name)``) or Atom
    ``author/name`` of an RSS item; else the channel's author (``fallback``)."""
    name = _first(item, ("itunes:author", "dc:creator", "author"))
    if name:
        return _rss_author(name)
    atom = item.find("atom:author", _NS)
    if atom is not None:
        found = _atom_author(atom)
        if found:
            return found
    return dict(fallback) if fallback else None


def _atom_author(element):
    if element is None:
        return None
    name, uri = _text(element, "atom:name"), _text(element, "atom:uri")
    return author_dict(uri or name, name, "", uri) if (name or uri) else None


def _parse_rss(root, platform, ns_uri=""):
    """RSS 2.0 (``ns_uri`` empty) and RSS 1.0 / 0.90 (items in ``ns_uri``, siblings of the
    channel under ``rdf:RDF``)."""
    ns = dict(_NS, r=ns_uri) if ns_uri else _NS
    q = "r:" if ns_uri else ""
    channel = root.find(f"{q}channel", ns)
    lang = _first(channel, (f"{q}language", "dc:language"), ns)
    channel_author = None
    name = _first(channel, ("itunes:author", "dc:creator"), ns)
    if name:
        channel_author = _rss_author(name)
    items = root.findall(f"{q}item", ns)
    if channel is not None:
        items += channel.findall(f"{q}item", ns)
    records, errors = [], []
    for index, item in enumerate(items):
        # RSS 1.0 has no guid: the link is the id, rdf:about the fallback for both.
        about = item.get(_RDF_ABOUT, "").strip()
        link = _text(item, f"{q}link", ns) or (
            about if about.startswith(("http://", "https://")) else ""
        )
        guid = _text(item, f"{q}guid", ns) or link or about
        if not (guid or link):
            missing = "no link and no rdf:about" if ns_uri else "no guid and no link"
            errors.append({"record": f"item #{index + 1}", "reason": f"has {missing}"})
            continue
        title = _text(item, f"{q}title", ns)
        description = _text(item, f"{q}description", ns)
        body = _text(item, "content:encoded", ns) or description
        published = _text(item, f"{q}pubDate", ns) or _text(item, "dc:date", ns)
        raw = {
            "guid": guid,
            "link": link,
            "title": title,
            "pubDate": published,
            "description": description,
        }
        records.append(
            _record(
                guid,
                link,
                title,
                body,
                _rfc822(published),
                _item_author(item, channel_author),
                _text(item, "dc:language", ns) or lang,
                platform,
                raw,
            )
        )
    return records, errors


def _parse_atom(root, platform):
    feed_lang = root.get(_XML_LANG, "")
    feed_author = _atom_author(root.find("atom:author", _NS))
    records, errors = [], []
    for index, entry in enumerate(root.findall("atom:entry", _NS)):
        link = ""
        for element in entry.findall("atom:link", _NS):
            if element.get("rel", "alternate") == "alternate":
                link = element.get("href", "")
                break
        ext = _text(entry, "atom:id")
        if not (ext or link):
            errors.append({"record": f"entry #{index + 1}", "reason": "has no id and no link"})
            continue
        author = (
            _atom_author(entry.find("atom:author", _NS))
            or _rss_author(_text(entry, "dc:creator"))
            or (dict(feed_author) if feed_author else None)
        )
        body = _text(entry, "atom:content") or _text(entry, "atom:summary")
        published = _text(entry, "atom:published") or _text(entry, "atom:updated")
        raw = {
            "id": ext,
            "link": link,
            "title": _text(entry, "atom:title"),
            "published": published,
            "content": body,
        }
        records.append(
            _record(
                ext,
                link,
                _text(entry, "atom:title"),
                body,
                published,
                author,
                entry.get(_XML_LANG, feed_lang),
                platform,
                raw,
            )
        )
    return records, errors


def parse_feed(content, platform=""):
    """Feed bytes → (records, errors) for RSS 2.0, RSS 1.0 (RDF) and Atom 1.0."""
    root = parse_xml(content)
    tag = root.tag.rpartition("}")[2]
    if tag == "rss":
        return _parse_rss(root, platform)
    if tag == "RDF":
        # The items' namespace is the channel's: RSS 1.0, or RSS 0.90 in older feeds.
        for uri in _RDF_NS:
            if (
                root.find(f"{{{uri}}}channel") is not None
                or root.find(f"{{{uri}}}item") is not None
            ):
                return _parse_rss(root, platform, uri)
        return _parse_rss(root, platform)
    if tag == "feed":
        return _parse_atom(root, platform)
    raise FeedError(f"the document is not an RSS or Atom feed (root element <{tag}>)")


@register
class RSSAdapter(SourceAdapter):
    kind = "rss"
    label = _lt("RSS / Atom feed")
    sequence = 80
    help = _lt("Feed URL: the RSS or Atom feed (a Google Alerts feed URL is a secret).")
    source_fields = {"feed_url": ("feed_url", "account"), "platform": "platform_id.code"}
    # The feed URL is the secret of a Google Alerts feed: shown to admins only.
    credential_fields = [("feed_url", "Feed URL", True)]
    config_fields = [("platform", "Platform of the entries (empty: from each link)", False)]

    def _describe(self, method, url):
        return f"{method} feed"  # never print the feed URL: it is the credential

    def fetch(self, cursor, limit=500):
        url = self._conf("feed_url")
        state = dict(cursor or {})
        headers = {
            "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"
        }
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        resp = self._request("GET", url, headers=headers, what="RSS feed")
        if resp.status_code == 304:
            return FetchResult(records=[], cursor=state, more=False)
        try:
            records, errors = parse_feed(resp.content, self.config.get("platform") or "")
        except FeedError as exc:
            raise SourceError(f"RSS feed: {exc}", status=resp.status_code) from None
        seen = list(state.get("seen") or [])
        known = set(seen)
        fresh = [r for r in records if r["external_id"] not in known]
        fresh = fresh[: max(1, int(limit))]
        seen.extend(r["external_id"] for r in fresh)
        new_state = {"seen": seen[-SEEN_MAX:]}
        more = len(fresh) < len([r for r in records if r["external_id"] not in known])
        if not more:  # validators only once everything in this version of the feed is read
            if resp.headers.get("ETag"):
                new_state["etag"] = resp.headers["ETag"]
            if resp.headers.get("Last-Modified"):
                new_state["last_modified"] = resp.headers["Last-Modified"]
        return FetchResult(records=fresh, cursor=new_state, more=more, errors=errors)

    def test_connection(self):
        result = self.fetch(None, limit=SEEN_MAX)
        return f"RSS feed: readable, {len(result.records)} entries"
