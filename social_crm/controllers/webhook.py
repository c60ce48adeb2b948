import hmac
import logging

from odoo import http
from odoo.http import request

from ..models.social_crm_source import ConcurrentIngestError
from ..tools.sources import AuthError, PayloadError, SourceError

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024
TOKEN_HEADER = "X-Social-CRM-Token"
RETRIES = 3
ROUTES = ["/social_crm/webhook/<int:source_id>",
          "/social_crm/webhook/<int:source_id>/<string:token>"]


class WebhookError(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SocialCrmWebhook(http.Controller):
    """POST /social_crm/webhook/<source id> with the source's token in the
    X-Social-CRM-Token header, or /social_crm/webhook/<source id>/<token> for senders that
    can't set headers. The body is what the source's kind sends; each kind authenticates its
    sender its own way (token, Telegram's secret header, VK's secret, Meta's signature).
    Answers {"created": n, "updated": n, "errors": [...]}, or the text the platform expects
    (VK: "ok"). A GET answers a subscription handshake (Meta's hub.challenge)."""

    @http.route(ROUTES, type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def receive(self, source_id, token=None, **_params):
        try:
            source = self._source(source_id)
            body = self._read_body()
            if source.source_type == "webhook":
                self._authenticate(source, token)
                report = self._ingest(source, body)
            else:
                report = self._ingest(source, body, dict(request.httprequest.headers),
                                      request.httprequest.args.to_dict(), token)
        except WebhookError as exc:
            return request.make_json_response({"error": exc.reason}, status=exc.status)
        if report.get("reply") is not None:
            # The platform's own acknowledgement; rejected records are on the source.
            return self._text(report["reply"]) if isinstance(report["reply"], str) \
                else request.make_json_response(report["reply"])
        # Nothing usable at all is a bad request; a partly valid batch is accepted.
        status = 400 if report["errors"] and not report["mentions"] else 200
        return request.make_json_response(
            {"created": report["created"], "updated": report["updated"],
             "errors": report["errors"]}, status=status)

    @http.route(ROUTES, type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False)
    def verify(self, source_id, token=None, **_params):
        try:
            source = self._source(source_id)
            challenge = source._webhook_verify(request.httprequest.args.to_dict())
        except WebhookError as exc:
            return request.make_json_response({"error": exc.reason}, status=exc.status)
        except AuthError as exc:
            return request.make_json_response({"error": exc.message},
                                              status=self._auth_status(exc))
        except (PayloadError, SourceError) as exc:
            return request.make_json_response({"error": str(exc)}, status=400)
        return self._text(challenge)

    @staticmethod
    def _text(text, status=200):
        return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")],
                                     status=status)

    @staticmethod
    def _auth_status(exc):
        return exc.status if exc.status in (401, 403) else 403

    def _source(self, source_id):
        source = request.env["social_crm.source"].sudo().browse(source_id).exists()
        if not source or not source.active:
            raise WebhookError(404, f"source {source_id} does not exist or is archived")
        return source

    def _authenticate(self, source, path_token):
        given = request.httprequest.headers.get(TOKEN_HEADER) or path_token
        if not given:
            raise WebhookError(401, f"missing token: send it in the {TOKEN_HEADER} header "
                                    "or in the URL path")
        expected = source.webhook_token or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            _logger.info("Webhook for source %s: wrong token", source.id)
            raise WebhookError(403, "wrong token")

    def _read_body(self):
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY_BYTES:
            raise WebhookError(413, f"body of {length} bytes exceeds {MAX_BODY_BYTES} bytes")
        body = request.httprequest.get_data(cache=True)
        if len(body) > MAX_BODY_BYTES:
            raise WebhookError(413, f"body exceeds {MAX_BODY_BYTES} bytes")
        return body

    def _ingest(self, source, body, headers=None, query=None, path_token=None):
        for attempt in range(RETRIES):
            try:
                with request.env.cr.savepoint():
                    if headers is None:
                        return source._webhook_receive(body)
                    return source._webhook_receive(body, headers=headers, query=query,
                                                   path_token=path_token)
            except ConcurrentIngestError:
                if attempt == RETRIES - 1:
                    break
                # A new transaction sees what the concurrent import committed.
                request.env.cr.rollback()
            except AuthError as exc:
                _logger.info("Webhook for source %s: %s", source.id, exc.message)
                raise WebhookError(self._auth_status(exc), exc.message) from None
            except PayloadError as exc:
                raise WebhookError(exc.status, str(exc)) from None
            except ValueError as exc:
                raise WebhookError(400, str(exc)) from None
            except SourceError as exc:
                raise WebhookError(400, exc.message) from None
        raise WebhookError(409, "the same records are being imported right now")
