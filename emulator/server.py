# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The JSON/HTTP front-end: routing, auth, content negotiation, latency, faults and the request log.

All ErpSync semantics live in ``store.py`` and ``methods/``; this module only maps HTTP onto ``Tenant.call()`` and back.
"""

import json
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import admin, online, soap
from .agent import NO_CONTENT, AgentError, BadRequest, find_method
from .auth import authenticate, www_authenticate
from .faults import after_call, after_response, before_call, fire_fault
from .reqlog import RequestLog, mask_body
from .wire import DROP, JSON_CONTENT_TYPE, Response, fault_response, json_response, rest_error
from .xmlwire import to_xml

MAX_BODY = 10 * 1024 * 1024

_JSON_MEDIA = ('application/json', 'text/json', 'application/json-patch+json', 'application/merge-patch+json')
_XML_MEDIA = ('application/xml', 'text/xml')


def negotiate(accept):
    """Accept header -> ('json'|'xml', content type), or None when neither is acceptable.

    Highest q wins; on a tie the more specific range, then JSON (ASP.NET's first formatter).
    """
    if not accept or not accept.strip():
        return 'json', JSON_CONTENT_TYPE
    best = None
    for part in accept.split(','):
        fields = part.split(';')
        media = fields[0].strip().lower()
        quality = 1.0
        for param in fields[1:]:
            name, dummy, value = param.partition('=')
            if name.strip().lower() == 'q':
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if quality <= 0 or not media:
            continue
        if media in _JSON_MEDIA:
            # The patch media types are answered as plain JSON.
            candidate = (quality, 2, 1, 'json', media if media in ('application/json', 'text/json') else 'application/json')
        elif media in _XML_MEDIA:
            candidate = (quality, 2, 0, 'xml', media)
        elif media in ('*/*', 'application/*'):
            candidate = (quality, 0 if media == '*/*' else 1, 1, 'json', 'application/json')
        elif media == 'text/*':
            candidate = (quality, 1, 1, 'json', 'text/json')
        else:
            continue
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    if best is None:
        return None
    return best[3], best[4] + '; charset=utf-8'


def apply_select(result, select):
    """$select: keep the named top-level properties, null out the others (as the docs describe)."""
    names = set(s.strip().split('/')[0].lower() for s in select.split(',') if s.strip())
    if not names:
        return result

    def one(obj):
        if not isinstance(obj, dict):
            return obj
        return dict((key, value if key.lower() in names else None) for key, value in obj.items())
    return [one(item) for item in result] if isinstance(result, list) else one(result)


def formatted_response(status, payload, fmt, root, item=None, headers=()):
    """JSON or XML by the negotiated format; fmt None (nothing acceptable) falls back to JSON."""
    if fmt and fmt[0] == 'xml':
        return Response(status, to_xml(payload, root, item), fmt[1], headers)
    response = json_response(status, payload, headers)
    if fmt:
        response.content_type = fmt[1]
    return response


class _Exchange:
    """What one WebAPI request did, for the request log."""

    def __init__(self):
        self.tenant = None
        self.tenant_name = None
        self.method = None
        self.body = None
        self.auth = 'none'
        self.app_token = False
        self.status = None
        self.fault = None


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'SuperOfficeWebAPIEmulator/1.0'
    # Headers and body leave in one segment, without Nagle's delay (keep-alive latency).
    disable_nagle_algorithm = True
    wbufsize = 65536

    def version_string(self):
        return self.server_version

    def handle_expect_100(self):
        # wfile is buffered: push the interim "100 Continue" out before waiting for the body.
        result = BaseHTTPRequestHandler.handle_expect_100(self)
        self.wfile.flush()
        return result

    def log_message(self, *args):  # pylint: disable=arguments-differ
        # Silence the default stderr access log (and its reverse-DNS lookups).
        pass

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    # -- plumbing ---------------------------------------------------------------------------

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            return self._read_chunked()
        length = self.headers.get('Content-Length')
        if not length:
            return b''
        size = int(length)
        if size < 0 or size > MAX_BODY:
            raise ValueError('request body too large')
        return self.rfile.read(size)

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            size = int(self.rfile.readline(1024).split(b';')[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(65536) not in (b'\r\n', b'\n', b''):
                    pass  # skip trailers
                return b''.join(chunks)
            total += size
            if total > MAX_BODY:
                raise ValueError('request body too large')
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, response):
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 204:  # RFC 9110: no Content-Length (and no body) on 204
            if response.content_type:
                self.send_header('Content-Type', response.content_type)
            self.send_header('Content-Length', str(len(response.body)))
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if response.status != 204:
            self.wfile.write(response.body)

    def _dispatch(self):
        self._raw_body = b''
        try:
            raw_body = self._raw_body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(json_response(400, {'Message': 'The request is invalid.', 'MessageDetail': 'Bad request framing or body too large.'}))
            return
        url = urlsplit(self.path)
        segments = [unquote(s) for s in url.path.split('/') if s]
        query = parse_qs(url.query)
        if segments and segments[0] == '_emulator':
            status, payload = admin.handle(self.server, self.command, segments[1:], query, raw_body)
            self._send(json_response(status, payload))
            return

        exchange = _Exchange()
        latency = self.server.latency_for(segments[0] if segments else None)
        if latency:
            time.sleep(latency)  # the network's share of every request, outside any tenant lock
        try:
            response = self._webapi(exchange, segments, query, raw_body)
        except Exception:  # pylint: disable=broad-except
            # A bug in the emulator must not kill the connection thread silently.
            traceback.print_exc()
            response = json_response(500, rest_error('Exception', 'Internal error in the emulator.'))
        exchange.status = None if response is DROP else response.status
        self.server.request_log.add(
            tenant=exchange.tenant.key if exchange.tenant else exchange.tenant_name,
            http_method=self.command, path=self.path, method=exchange.method, body=exchange.body,
            auth=exchange.auth, app_token=exchange.app_token, status=exchange.status, fault=exchange.fault)
        self._send(response)

    # -- the WebAPI -------------------------------------------------------------------------

    def _webapi(self, exchange, segments, query, raw_body):
        try:
            body = json.loads(raw_body.decode('utf-8')) if raw_body.strip() else None
            body_error = None
        except ValueError as exc:
            body, body_error = None, 'The request body is not valid JSON: %s' % exc

        fmt = negotiate(self.headers.get('Accept'))
        endpoint = online.route(segments)
        if endpoint:  # tenant state, signing keys, system-user exchange (emulator/online.py)
            return Response(*online.handle(self, exchange, endpoint, segments, body, body_error))
        if not segments:
            return formatted_response(404, rest_error('SoNotFoundException', 'No tenant in the URL.'), fmt, 'Error')
        exchange.tenant_name = segments[0]
        tenant = self.server.store.get(segments[0])
        exchange.body = mask_body(body, tenant.password_keys() if tenant else None)
        if tenant is None:
            return formatted_response(404, rest_error('SoNotFoundException', 'Tenant %s not found.' % segments[0]), fmt, 'Error')
        exchange.tenant = tenant
        wrong_host = online.misdirected(self, tenant)
        if wrong_host:  # the tenant moved to another host (admin: POST /_emulator/tenants/{T}/move)
            return Response(*wrong_host)

        rest = [s.lower() for s in segments[1:]]
        if len(rest) == 3 and rest[0] == 'remote':
            return soap.handle(self, exchange, tenant, segments[2], segments[3], raw_body)  # SOAP front-end (emulator/soap.py)
        if rest == ['api']:
            if self.command != 'GET':
                return formatted_response(405, rest_error('HttpException', 'Use GET on the version URL.'), fmt, 'Error', headers=[('Allow', 'GET')])
            return formatted_response(200, self._version(tenant), fmt, 'WebApiVersion')
        if len(rest) == 4 and rest[:3] == ['api', 'v1', 'mdolist']:
            return self._mdo_list(exchange, tenant, segments[4], query, fmt)
        method = find_method(segments[5]) if len(rest) == 5 and rest[:4] == ['api', 'v1', 'agents', 'erpsync'] else None
        if method is None or not tenant.method_enabled(method):
            return formatted_response(404, rest_error('HttpException', 'No HTTP resource was found that matches the request URI %s.' % self.path),
                                      fmt, 'Error')
        exchange.method = method.name
        return self._agent(exchange, tenant, method, query, body, body_error, fmt)

    def _version(self, tenant):
        host = self.headers.get('Host') or '%s:%d' % self.server.server_address[:2]
        version = {'v1': 'http://%s/%s/api/v1' % (host, tenant.key)}
        version.update(tenant.version)
        return version

    def _mdo_list(self, exchange, tenant, name, query, fmt):
        """``GET api/v1/MDOList/{name}[?additional=...]``: the items of a CRM list (to map ERP list items to CRM list items by
        name), or of "erpconnections" (the sync priority); see methods/priorities.py."""
        exchange.method = 'MDOList'
        auth = authenticate(tenant, self.headers.get('Authorization'), self.headers.get('SO-AppToken'))
        exchange.auth, exchange.app_token = auth.scheme, auth.app_token
        if not auth.ok:
            return formatted_response(401, rest_error('UnauthorizedAccessException', auth.error), fmt, 'Error')
        try:
            with tenant.lock:
                items = tenant.mdo_list(name, query.get('additional', [''])[0])
        except ValueError as exc:
            return formatted_response(400, rest_error('ArgumentException', str(exc)), fmt, 'Error')
        if items is None:
            return formatted_response(404, rest_error('SoNotFoundException', 'No MDO list named %s.' % name), fmt, 'Error')
        return formatted_response(200, items, fmt, 'ArrayOfMDOListItem', 'MDOListItem')

    def _agent(self, exchange, tenant, method, query, body, body_error, fmt):
        fault, after = fire_fault(tenant, method.name, exchange, body)
        if fault:
            return fault_response(fault, (dict(self.headers.items()), self._raw_body))
        response = self._authorized_agent(exchange, tenant, method, query, body, body_error, fmt, after)
        return after_response(after, response) if after else response

    def _authorized_agent(self, exchange, tenant, method, query, body, body_error, fmt, after=None):
        """Auth, negotiation and the call; ``after`` is a fault rule that lets the call run and acts around it."""
        auth = authenticate(tenant, self.headers.get('Authorization'), self.headers.get('SO-AppToken'))
        exchange.auth = auth.scheme
        exchange.app_token = auth.app_token
        if not auth.ok:
            return formatted_response(401, rest_error('UnauthorizedAccessException', auth.error), fmt, 'Error',
                                      headers=[('WWW-Authenticate', value) for value in www_authenticate(tenant)])
        if fmt is None:
            return json_response(406, rest_error('NotAcceptable', 'The Accept header allows neither JSON (application/json, text/json) '
                                                 'nor XML (application/xml, text/xml).'))
        if self.command == 'GET':
            return formatted_response(200, {
                'Method': method.name, 'HttpMethod': 'POST',
                'Description': 'ErpSync agent method %s. Use POST with a JSON body to call it; GET only describes it.' % method.name,
            }, fmt, 'AgentMethodDescription')
        if self.command != 'POST':
            return formatted_response(405, rest_error('HttpException', 'Agent methods are called with POST.'), fmt, 'Error',
                                      headers=[('Allow', 'GET, POST')])
        try:
            if method.request == 'query':
                # GetErpSyncConnectorEntity and DeleteErpSyncConnectorEntity take their id as a URL parameter.
                body = dict((k, int(v[0]) if v[0].lstrip('-').isdigit() else v[0]) for k, v in query.items() if not k.startswith('$'))
            elif body_error:
                raise BadRequest(body_error)
            if after:
                body = before_call(after, tenant, method, body)
            result = tenant.call(method, body)
            if after:
                result = after_call(after, tenant, method, body, result)
        except AgentError as exc:
            return formatted_response(exc.http_status, exc.body(), fmt, 'Error')
        if result is NO_CONTENT:
            return Response(204)
        select = query.get('$select')
        if select and method.result_type != 'StringDictionary':
            result = apply_select(result, select[0])
        return formatted_response(200, result, fmt, method.result_type or 'anyType', method.item_type)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    # A deep listen backlog: benchmarks open a couple of hundred connections at once.
    request_queue_size = 512

    def __init__(self, address, store, request_log=None, latency=0.0, tls=None):
        """``latency``: seconds every API request waits (a WAN); ``tls``: (certificate file, key file) to serve HTTPS."""
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.store = store
        self.request_log = request_log or RequestLog()
        self.latency = latency
        self.scheme = 'https' if tls else 'http'
        self._thread = None
        ThreadingHTTPServer.__init__(self, address, EmulatorHandler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.socket = context.wrap_socket(self.socket, server_side=True)

    def latency_for(self, tenant_key):
        tenant = self.store.get(tenant_key) if tenant_key and not tenant_key.startswith('_') else None
        return tenant.latency if tenant is not None and tenant.latency else (self.latency if tenant_key != '_emulator' else 0)

    def server_bind(self):
        # HTTPServer.server_bind() calls socket.getfqdn() (a DNS lookup); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def base_url(self):
        host, port = self.server_address[:2]
        return '%s://%s:%d' % (self.scheme, '[%s]' % host if ':' in host else host, port)

    def handle_error(self, request, client_address):
        # Clients that hang up mid-request are normal (drop faults, benchmarks), and so are refused TLS handshakes
        # (a client that does not trust the private CA): stay quiet.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout, ssl.SSLError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)

    def start_thread(self):
        """Serve in a daemon thread (for tests and embedding); returns self."""
        self._thread = threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.1}, name='superoffice-emulator')
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self):
        """Stop serving (when start_thread() was used), close the socket and the log file."""
        if self._thread:
            self.shutdown()
            self._thread.join(5)
            self._thread = None
        self.server_close()
        self.request_log.close()
