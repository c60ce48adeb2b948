import hmac
import logging
import re
from itertools import accumulate

from odoo import http
from odoo.http import request

from ..models.social_crm_source import AuthorsCreated, ConcurrentIngestError
from ..tools.sources import AuthError, PayloadError, SourceError
from ..tools.sources.base import DEFAULT_MAX_BODY

_logger = logging.getLogger(__name__)

# The largest delivery accepted, in bytes: one value for the controller and the adapters.
MAX_BODY_BYTES = DEFAULT_MAX_BODY
# Deepest JSON nesting accepted: real payloads (normalized records, YouScan, Telegram, VK,
# Meta) nest fewer than 10 levels; Python's parser fails with a RecursionError near 1,000.
MAX_JSON_DEPTH = 64
READ_CHUNK = 64 * 1024
TOKEN_HEADER = "X-Social-CRM-Token"
RETRIES = 3
ROUTES = [
    "/social_crm/webhook/<int:source_id>",
    "/social_crm/webhook/<int:source_id>/<string:token>",
]
# One answer for an unknown or archived source and for missing or wrong credentials, so a
# sender without credentials learns nothing about which source ids exist.
REFUSED_STATUS = 403
REFUSED_REASON = "unknown source or wrong credentials"

# The token in a webhook URL's path, as the HTTP access log writes the request line.
PATH_TOKEN_RE = re.compile(r"(/social_crm/webhook/\d+/)[^/\s?#\"]+")


def mask_path_token(text):
    """``text`` with the token of any webhook URL path replaced by ``***``."""
    return PATH_TOKEN_RE.sub(r"\1***", text)


class PathTokenFilter(logging.Filter):
    """Masks webhook tokens sent in the URL path in the HTTP access log (werkzeug writes
    each request line, path included); the record is kept, only the token is hidden."""

    def filter(self, record):
        if isinstance(record.msg, str) and "/social_crm/webhook/" in record.msg:
            record.msg = mask_path_token(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            if any(isinstance(a, str) and "/social_crm/webhook/" in a for a in args):
                masked = tuple(mask_path_token(a) if isinstance(a, str) else a for a in args)
                record.args = masked if isinstance(record.args, tuple) else masked[0]
        return True


def install_log_filter():
    """Add the token filter to the access log once (a module reload must not stack them)."""
    access_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, PathTokenFilter) for f in access_log.filters):
        access_log.addFilter(PathTokenFilter())


install_log_filter()


def json_depth(body):
    """The deepest nesting of arrays and objects in a JSON text (bytes), without parsing it
    (or a bound of it when that is within MAX_JSON_DEPTH): escapes and strings are removed
    first so brackets inside strings don't count."""
    body = re.sub(rb"\\.", b"", body)
    body = re.sub(rb'"[^"]*"', b"", body)
    brackets = re.sub(rb"[^\[\]{}]+", b"", body)
    opening = brackets.count(b"[") + brackets.count(b"{")
    if opening <= MAX_JSON_DEPTH:
        return opening  # an upper bound, and within the limit: no need to walk them
    steps = (1 if byte in b"[{" else -1 for byte in brackets)
    return max(accumulate(steps))


class BoundedStream:
    """A request body stream that yields at most ``limit`` bytes, then nothing; it counts
    what it gave, so a body that reached the limit is known to be too large."""

    def __init__(self, stream, limit):
        self.stream = stream
        self.limit = limit
        self.read_bytes = 0

    def read(self, size=-1):  # pylint: disable=method-required-super
        # wraps the stream it reads from instead of extending a parent's read()
        left = self.limit - self.read_bytes
        if left <= 0:
            return b""
        data = self.stream.read(left if size is None or size < 0 else min(size, left))
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        left = self.limit - self.read_bytes
        if left <= 0:
            return b""
        data = self.stream.readline(left if size is None or size < 0 else min(size, left))
        self.read_bytes += len(data)
        return data

    @property
    def exceeded(self):
        return self.read_bytes >= self.limit


def bounded_body(_controller):
    """The routes' body limit, applied by Odoo before it parses a form body. A chunked body
    declares no length to compare: its stream is bounded instead, so that nothing — not even
    Odoo's form parser, which runs before the route — reads more than the limit and a byte."""
    wrapped = request.httprequest._HTTPRequest__wrapped
    if wrapped.content_length is None and not isinstance(wrapped.stream, BoundedStream):
        # werkzeug caches the stream on the request: every later reader gets this one.
        wrapped.__dict__["stream"] = BoundedStream(wrapped.stream, MAX_BODY_BYTES + 1)
    return MAX_BODY_BYTES


class WebhookError(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Refused(WebhookError):
    """The one answer to an unknown source and to missing or wrong credentials; ``detail``
    (the real reason) goes to the server log only."""

    def __init__(self, source_id, detail):
        super().__init__(REFUSED_STATUS, REFUSED_REASON)
        self.source_id = source_id
        self.detail = detail


class SocialCrmWebhook(http.Controller):
    """POST /social_crm/webhook/<source id> with the source's token in the
    X-Social-CRM-Token header, or /social_crm/webhook/<source id>/<token> for senders that
    can't set headers. The body is what the source's kind sends; each kind authenticates its
    sender its own way (token, Telegram's secret header, VK's secret, Meta's signature).
    Answers {"created": n, "updated": n, "errors": [...]}, or the text the platform expects
    (VK: "ok"). A GET answers a subscription handshake (Meta's hub.challenge).

    An unknown or archived source and missing or wrong credentials all get the same 403
    answer. Credentials outside the body (tokens, secret headers) are checked before the body
    is read; bodies are read up to MAX_BODY_BYTES only (413 beyond), JSON deeper than
    MAX_JSON_DEPTH is a 400 — answers given only to an authenticated sender: where the
    credentials are in or over the body (VK, Meta), such a body gets the unknown source's 403."""

    @http.route(
        ROUTES,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=bounded_body,
    )
    def receive(self, source_id, token=None, **_params):
        try:
            source = self._source(source_id)
            headers = dict(request.httprequest.headers)
            query = request.httprequest.args.to_dict()
            authenticated = self._authenticate(source, headers, query, token)
            try:
                body = self._read_body()
            except WebhookError as exc:
                if authenticated:
                    raise
                # Credentials in or over the body could not be checked: a stranger gets
                # the answer of an unknown source, not a hint that this id exists.
                raise Refused(source.id, f"unauthenticated body refused: {exc.reason}") from None
            if source.source_type == "webhook":
                report = self._ingest(source, body)
            else:
                report = self._ingest(source, body, headers, query, token)
        except Refused as exc:
            _logger.info("Webhook for source %s refused: %s", exc.source_id, exc.detail)
            return self._error(exc)
        except WebhookError as exc:
            return self._error(exc)
        if report.get("reply") is not None:
            # The platform's own acknowledgement; rejected records are on the source.
            return (
                self._text(report["reply"])
                if isinstance(report["reply"], str)
                else request.make_json_response(report["reply"])
            )
        # Nothing usable at all is a bad request; a partly valid batch is accepted.
        status = 400 if report["errors"] and not report["mentions"] else 200
        return request.make_json_response(
            {
                "created": report["created"],
                "updated": report["updated"],
                "errors": report["errors"],
            },
            status=status,
        )

    @http.route(ROUTES, type="http", auth="public", methods=["GET"], csrf=False, save_session=False)
    def verify(self, source_id, token=None, **_params):
        # A handshake succeeds or gets the refusal an unknown source gets: a source without
        # one (or a malformed query) must not tell a stranger that the id exists.
        try:
            source = self._source(source_id)
            try:
                challenge = source._webhook_verify(request.httprequest.args.to_dict())
            except (PayloadError, SourceError) as exc:
                raise Refused(source.id, str(exc)) from None
        except Refused as exc:
            _logger.info("Webhook handshake for source %s refused: %s", exc.source_id, exc.detail)
            return self._error(exc)
        return self._text(challenge)

    @staticmethod
    def _error(exc):
        return request.make_json_response({"error": exc.reason}, status=exc.status)

    @staticmethod
    def _text(text, status=200):
        return request.make_response(
            text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status
        )

    def _source(self, source_id):
        source = request.env["social_crm.source"].sudo().browse(source_id).exists()
        if not source:
            raise Refused(source_id, "no such source")
        if not source.active:
            raise Refused(source_id, "the source is archived")
        return source

    def _authenticate(self, source, headers, query, path_token):
        """The kind's check of what the delivery carries outside its body (one mechanism for
        every kind, in its adapter): True when the sender is authenticated before the body is
        read, False when the credentials travel in or over the body."""
        try:
            return source._webhook_authenticate(headers, query, path_token)
        except AuthError as exc:
            raise Refused(source.id, exc.message) from None
        except SourceError as exc:
            self._refuse_unauthenticated(source, path_token, exc)
            raise WebhookError(400, exc.message) from None

    def _read_body(self):
        """The request body, read in chunks and refused (413) as soon as it exceeds
        MAX_BODY_BYTES, so an oversized or endless (chunked) body is never read whole;
        a body nested deeper than MAX_JSON_DEPTH is refused (400) before it is parsed."""
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY_BYTES:
            raise WebhookError(
                413, f"body of {length} bytes exceeds the {MAX_BODY_BYTES} bytes accepted"
            )
        stream = self._input_stream()
        chunks, size = [], 0
        try:
            while size <= MAX_BODY_BYTES:
                chunk = stream.read(min(READ_CHUNK, MAX_BODY_BYTES + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except (OSError, ValueError) as exc:  # a broken chunked encoding, a dropped client
            raise WebhookError(400, f"body could not be read: {exc}") from None
        if size > MAX_BODY_BYTES or getattr(stream, "exceeded", False):
            raise WebhookError(413, f"body exceeds the {MAX_BODY_BYTES} bytes accepted")
        body = b"".join(chunks)
        depth = json_depth(body)
        if depth > MAX_JSON_DEPTH:
            raise WebhookError(
                400, f"body is nested {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted"
            )
        return body

    @staticmethod
    def _input_stream():
        """werkzeug's body stream: bounded by Content-Length, or dechunked. Odoo's request
        wrapper exposes only get_data(), which reads the whole body, so take it from the
        werkzeug request it wraps."""
        return request.httprequest._HTTPRequest__wrapped.stream

    def _ingest(self, source, body, headers=None, query=None, path_token=None):
        # new authors are created on their own first, then the delivery is read again
        source = source.with_context(social_crm_precreate_authors=True)
        attempt = precreated = 0
        prepared = None  # what an earlier try validated and analysed, reused by the next
        while attempt < RETRIES:
            attempt += 1
            try:
                with request.env.cr.savepoint():
                    if headers is None:
                        return source._webhook_receive(body, prepared=prepared)
                    return source._webhook_receive(
                        body,
                        headers=headers,
                        query=query,
                        path_token=path_token,
                        prepared=prepared,
                    )
            except AuthorsCreated as exc:
                # the authors are committed: a new transaction sees them, no wait needed
                request.env.cr.rollback()
                prepared = exc.prepared or prepared
                if not precreated:
                    precreated, attempt = 1, attempt - 1
            except ConcurrentIngestError as exc:
                if attempt == RETRIES:
                    break
                # The concurrent import has committed (this one waited for its claim): a
                # new transaction sees its rows at once, and reuses what this try analysed.
                request.env.cr.rollback()
                prepared = exc.prepared or prepared
            except AuthError as exc:
                raise Refused(source.id, exc.message) from None
            except PayloadError as exc:
                raise WebhookError(exc.status or 400, str(exc)) from None
            except ValueError as exc:
                raise WebhookError(400, str(exc)) from None
            except SourceError as exc:
                self._refuse_unauthenticated(source, path_token, exc)
                raise WebhookError(400, exc.message) from None
        raise WebhookError(409, "the same records are being imported right now")

    def _refuse_unauthenticated(self, source, path_token, exc):
        """A kind that receives no webhook tells its reason only to a sender holding the
        source's token; anyone else gets the answer of an unknown source."""
        given = request.httprequest.headers.get(TOKEN_HEADER) or path_token or ""
        expected = source.webhook_token or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Refused(source.id, exc.message) from None
