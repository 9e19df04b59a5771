# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SOAP front-end: ``POST /{Tenant}/Remote/ServicesNN/ErpSync.svc`` and ``.../SoPrincipal.svc``.

Same tenants, same ``Tenant.call()`` and the same auth rules as the JSON front-end; only the wire differs.
It behaves like a WCF service on a NetServer that offers Services84 up to the tenant's ``ServicesCurrent``:

* SOAP 1.1 (``text/xml`` + ``SOAPAction``) and SOAP 1.2 (``application/soap+xml; action=...``); any other
  content type gets 415 with WCF's text, an envelope of the other version a VersionMismatch fault.
* Headers are read from ``<Header>`` only (the doc samples' headers directly under ``Envelope`` are not
  honoured, as WCF would not): ``Credentials/Ticket`` and ``ApplicationToken`` (required by Online tenants).
* Agent errors (refused requests, bad credentials) answer 200 with the ``ExceptionInfo`` header filled and
  ``Succeeded`` false, as NetServer does; malformed requests and unknown actions are SOAP faults (HTTP 500).
* ``GetAllConnections`` and ``GetAllConnectors`` exist from Services88 on: older addresses answer an
  ``ActionNotSupported`` fault, as WCF does for an action its contract lacks.
* Request values are read without ``xsi:type`` (document/literal); ``Interval`` is an xs:duration (``PT5M``).
"""

import base64
import re
import secrets
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from . import wire
from .agent import NO_CONTENT, AgentError, find_method
from .auth import authenticate
from .faults import fire_fault
from .reqlog import mask_body
from .timespan import format_timespan, parse_timespan

ENVELOPES = {'1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope'}
CONTENT_TYPES = {'1.1': 'text/xml; charset=utf-8', '1.2': 'application/soap+xml; charset=utf-8'}
XSI = 'http://www.w3.org/2001/XMLSchema-instance'
ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays'
ADDRESSING_NONE = 'http://schemas.microsoft.com/ws/2005/05/addressing/none'
SERVICES_NS = 'http://www.superoffice.net/ws/crm/NetServer/Services%d'

OLDEST_SERVICES = 84
LIST_METHODS_SINCE = 88
LIST_METHODS = ('GetAllConnections', 'GetAllConnectors')
LOGIN_METHODS = ('AuthenticateUsernamePassword', 'AuthenticateWithAccessToken')

_INTS = frozenset(('ErpConnectionId', 'ErpConnectorId', 'ErpSyncConnectionId', 'ErpSyncConnectorEntityId'))
_BOOLS = frozenset(('Run', 'IncludeDeleted', 'Active', 'Deleted', 'AllAccess'))
_INT_LISTS = frozenset(('UserGroupAccessIds', 'AssociateAccessIds', 'ErpConnectionIds'))
_CARRIER_FIRST = ('TableRight', 'FieldProperties')  # DataContract writes base-class members first
_MAP_ENTRIES = {'ConfigFields': 'StringKeyValuePair', 'FieldProperties': 'FieldPropertyDictionaryKeyValuePair'}
_DURATION_RE = re.compile(r'^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?)?$')
_DTD_RE = re.compile(br'<!\s*(DOCTYPE|ENTITY)', re.IGNORECASE)


class SoapFault(Exception):
    def __init__(self, code, reason, status=500):
        super(SoapFault, self).__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status


def _local(tag):
    return tag.rsplit('}', 1)[-1] if isinstance(tag, str) else ''


def _child(elem, name):
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _is_nil(elem):
    return elem.get('{%s}nil' % XSI) in ('true', '1')


def duration_to_timespan(text):
    """xs:duration -> the store's TimeSpan text; anything else is handed on as is (the store refuses it)."""
    match = _DURATION_RE.match((text or '').strip())
    if not match or text.strip() in ('P', 'PT') or text.strip().endswith('T'):
        return text
    days, hours, minutes, secs = (int(g or 0) for g in match.groups())
    return format_timespan(((days * 24 + hours) * 60 + minutes) * 60 + secs)


def timespan_to_duration(text):
    seconds = parse_timespan(text)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = ''.join('%d%s' % (n, unit) for n, unit in ((hours, 'H'), (minutes, 'M'), (secs, 'S')) if n)
    return 'P' + ('%dD' % days if days else '') + ('T' + clock if clock else '')


def read_value(elem):
    """A request element as the JSON value the store takes (typed by member name, as a DataContract would)."""
    name = _local(elem.tag)
    if _is_nil(elem):
        return None
    text = (elem.text or '').strip()
    if name in _INTS:
        if not re.match(r'^-?\d+$', text):
            raise SoapFault('DeserializationFailed', "The value '%s' of %s is not a valid Int32." % (text, name))
        return int(text)
    if name in _BOOLS:
        if text not in ('true', 'false', '1', '0'):
            raise SoapFault('DeserializationFailed', "The value '%s' of %s is not a valid Boolean." % (text, name))
        return text in ('true', '1')
    if name in _INT_LISTS:
        return [read_value_int(item, name) for item in elem]
    if name == 'ConfigFields':
        config = {}
        for entry in elem:
            key, value = _child(entry, 'Key'), _child(entry, 'Value')
            if key is None:
                raise SoapFault('DeserializationFailed', 'A ConfigFields entry has no Key.')
            config[key.text or ''] = None if value is None or _is_nil(value) else (value.text or '')
        return config
    if name == 'Interval':
        return duration_to_timespan(elem.text or '')
    if len(elem):
        return dict((_local(child.tag), read_value(child)) for child in elem)
    return elem.text or ''


def read_value_int(item, name):
    text = (item.text or '').strip()
    if not re.match(r'^-?\d+$', text):
        raise SoapFault('DeserializationFailed', "The value '%s' in %s is not a valid Int32." % (text, name))
    return int(text)


def write_value(parts, name, value, item_name=None):
    """A result value as document/literal XML; arrays of primitives use the Arrays namespace (prefix a)."""
    if value is None:
        parts.append('<%s i:nil="true"/>' % name)
        return
    parts.append('<%s>' % name)
    if isinstance(value, bool):
        parts.append('true' if value else 'false')
    elif isinstance(value, list):
        for item in value:
            write_value(parts, item_name or ('a:int' if isinstance(item, int) else 'a:string'), item)
    elif isinstance(value, dict) and (name in _MAP_ENTRIES or item_name == 'StringKeyValuePair'):
        entry = _MAP_ENTRIES.get(name, 'StringKeyValuePair')
        for key, item in value.items():
            parts.append('<%s><Key>%s</Key>' % (entry, escape(str(key))))
            write_value(parts, 'Value', item)
            parts.append('</%s>' % entry)
    elif isinstance(value, dict):
        for key in sorted(value, key=lambda k: (k not in _CARRIER_FIRST, _CARRIER_FIRST.index(k) if k in _CARRIER_FIRST else 0)):
            write_value(parts, key, value[key])
    elif name == 'Interval':
        parts.append(timespan_to_duration(value))
    else:
        parts.append(escape(str(value)))
    parts.append('</%s>' % name)


def envelope(version, header, body):
    return wire.utf8('<s:Envelope xmlns:s="%s" xmlns:i="%s" xmlns:a="%s"><s:Header>%s</s:Header><s:Body>%s</s:Body></s:Envelope>' % (
        ENVELOPES[version], XSI, ARRAYS, header, body))


def headers_xml(namespace, error=None):
    """The NetServer response headers: ExceptionInfo (filled on error), ExtraInfo, Succeeded, TimeZone."""
    if error:
        info = ('<ExceptionInfo xmlns="%s"><Message>%s</Message><StackTrace/><FriendlyText>%s</FriendlyText>'
                '<ExceptionType>%s</ExceptionType><Source>SuperOffice.Services</Source><InnerException i:nil="true"/>'
                '<Parameters i:nil="true"/></ExceptionInfo>') % (namespace, escape(error[1]), escape(error[1]), escape(error[0]))
    else:
        info = '<ExceptionInfo xmlns="%s" i:nil="true"/>' % namespace
    return '%s<ExtraInfo xmlns="%s" i:nil="true"/><Succeeded xmlns="%s">%s</Succeeded><TimeZone xmlns="%s" i:nil="true"/>' % (
        info, namespace, namespace, 'false' if error else 'true', namespace)


def fault_body(version, code, reason):
    code_ns = ENVELOPES[version] if code == 'VersionMismatch' else ADDRESSING_NONE
    prefix = 's' if code == 'VersionMismatch' else 'a'
    if version == '1.1':
        return ('<s:Fault><faultcode xmlns:a="%s">%s:%s</faultcode><faultstring xml:lang="en-US">%s</faultstring></s:Fault>' % (
            code_ns, prefix, code, escape(reason)))
    subcode = '' if code == 'VersionMismatch' else '<s:Subcode><s:Value xmlns:a="%s">a:%s</s:Value></s:Subcode>' % (code_ns, code)
    value = 's:VersionMismatch' if code == 'VersionMismatch' else 's:Sender'
    return '<s:Fault><s:Code><s:Value>%s</s:Value>%s</s:Code><s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason></s:Fault>' % (
        value, subcode, escape(reason))


def _soap_version(content_type):
    media = (content_type or '').split(';')[0].strip().lower()
    return {'text/xml': '1.1', 'application/soap+xml': '1.2'}.get(media)


def _action(handler, version):
    if version == '1.1':
        return (handler.headers.get('SOAPAction') or '').strip().strip('"')
    match = re.search(r'action\s*=\s*"?([^";]*)"?', handler.headers.get('Content-Type') or '', re.IGNORECASE)
    return match.group(1) if match else ''


def services_number(tenant, services):
    """NN of a ServicesNN path segment the tenant offers (Services84 up to its ServicesCurrent), else None."""
    match = re.match(r'^services(\d+)$', services, re.IGNORECASE)
    current = re.match(r'^services(\d+)$', str(tenant.version.get('ServicesCurrent') or 'Services88'), re.IGNORECASE)
    number = int(match.group(1)) if match else None
    if number is None or not OLDEST_SERVICES <= number <= (int(current.group(1)) if current else LIST_METHODS_SINCE):
        return None
    return number


def handle(handler, exchange, tenant, services, service_file, raw_body):
    """Answer one request to ``/{Tenant}/Remote/{services}/{service_file}``; returns a wire.Response (or wire.DROP)."""
    number = services_number(tenant, services)
    service = {'erpsync.svc': 'ErpSync', 'soprincipal.svc': 'SoPrincipal'}.get(service_file.lower())
    if number is None or service is None:
        return wire.Response(404, b'<html><body><h2>The resource cannot be found.</h2></body></html>', 'text/html; charset=utf-8')
    if handler.command == 'GET':
        return wire.Response(200, ('<html><body><h2>%s Service</h2><p>This is a Windows&#169; Communication Foundation service.</p>'
                                   '</body></html>' % service).encode('utf-8'), 'text/html; charset=utf-8')
    if handler.command != 'POST':
        return wire.Response(405, b'Method not allowed.', 'text/plain; charset=utf-8', [('Allow', 'GET, POST')])
    version = _soap_version(handler.headers.get('Content-Type'))
    if version is None:
        return wire.Response(415, ("Cannot process the message because the content type '%s' was not the expected type "
                                   "'text/xml; charset=utf-8'." % (handler.headers.get('Content-Type') or '')).encode('utf-8'),
                             'text/plain; charset=utf-8')
    namespace = SERVICES_NS % number
    try:
        operation, header, params = _read_request(raw_body, version, namespace)
        exchange.method = operation
        action = _action(handler, version)
        if action and action != '%s/%s/%s' % (namespace, service, operation):
            operation = None
        if service == 'SoPrincipal':
            if operation not in LOGIN_METHODS:
                raise _action_not_supported(action or operation)
            exchange.body = dict((k, v) for k, v in params.items() if k == 'UserName')
            exchange.app_token = bool(_header_value(header, 'ApplicationToken'))
            return _answer(version, namespace, 'Authenticate', _login(tenant, operation, params, _header_value(header, 'ApplicationToken')))
        method = find_method(operation) if operation else None
        if method is None or method.name != operation or not tenant.method_enabled(method) or (
                method.name in LIST_METHODS and number < LIST_METHODS_SINCE):
            raise _action_not_supported(action or operation)
    except SoapFault as fault:
        return wire.Response(fault.status, envelope(version, '', fault_body(version, fault.code, fault.reason)), CONTENT_TYPES[version])
    exchange.body = mask_body(params, tenant.password_keys())
    return _agent(exchange, tenant, method, params, header, version, namespace)


def _action_not_supported(action):
    return SoapFault('ActionNotSupported', "The message with Action '%s' cannot be processed at the receiver, due to a ContractFilter "
                     "mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between "
                     "sender and receiver) or a binding/security mismatch between the sender and the receiver." % (action or ''))


def _read_request(raw_body, version, namespace):
    """-> (operation name, Header element or None, params dict). Raises SoapFault (or 400 for unreadable XML)."""
    if _DTD_RE.search(raw_body) or b'\x00' in raw_body:
        raise SoapFault('DeserializationFailed', 'DTD is prohibited in this XML document.', status=400)
    try:
        root = ET.fromstring(raw_body)
    except ET.ParseError as exc:
        raise SoapFault('DeserializationFailed', 'The request is not well-formed XML: %s' % exc, status=400)
    if _local(root.tag) != 'Envelope':
        raise SoapFault('DeserializationFailed', 'The request is not a SOAP envelope.', status=400)
    if root.tag != '{%s}Envelope' % ENVELOPES[version]:
        raise SoapFault('VersionMismatch', 'The envelope version of the incoming message does not match that of the encoder '
                        '(expected SOAP %s, as the content type says).' % version)
    body = root.find('{%s}Body' % ENVELOPES[version])
    if body is None or len(body) != 1:
        raise SoapFault('DeserializationFailed', 'The SOAP Body must contain exactly one operation element.', status=400)
    operation = body[0]
    if not operation.tag.startswith('{%s}' % namespace):
        raise _action_not_supported(_local(operation.tag))
    return _local(operation.tag), root.find('{%s}Header' % ENVELOPES[version]), dict((_local(c.tag), read_value(c)) for c in operation)


def _header_value(header, name, inner=None):
    elem = _child(header, name) if header is not None else None
    if elem is not None and inner:
        elem = _child(elem, inner)
    return (elem.text or '').strip() if elem is not None and not _is_nil(elem) else None


def _login(tenant, operation, params, app_token):
    """SoPrincipal: a ticket for valid credentials (one per user or token, valid until the tenant is reset)."""
    if operation == 'AuthenticateUsernamePassword':
        user = params.get('UserName') or ''
        pair = '%s:%s' % (user, params.get('Password') or '')
        presented = 'Basic ' + base64.b64encode(pair.encode('utf-8')).decode('ascii')
        key = 'user:' + user
    else:
        presented = 'Bearer %s' % (params.get('AccessToken') or '')
        key = 'token:' + (params.get('AccessToken') or '')
    if not authenticate(tenant, presented, app_token).ok:
        return {'Response': None, 'Credentials': None, 'AuthenticationSucceeded': False}
    with tenant.lock:
        sessions = tenant.state.setdefault('soap_sessions', {})
        if key not in sessions:
            sessions[key] = '7T:' + base64.b64encode(('soap-session-' + secrets.token_hex(12)).encode('ascii')).decode('ascii')
            tenant.credentials['tickets'].append(sessions[key])
        ticket = sessions[key]
    return {'Response': {'Associate': params.get('UserName') or '', 'AssociateId': 0, 'DatabaseContextIdentifier': tenant.key},
            'Credentials': {'Ticket': ticket}, 'AuthenticationSucceeded': True}


def _answer(version, namespace, operation, result, error=None, void=False):
    parts = ['<%sResponse xmlns="%s">' % (operation, namespace)]
    if operation == 'Authenticate':
        for key in ('Response', 'Credentials', 'AuthenticationSucceeded'):
            write_value(parts, key, result[key])
    elif not void and not error:
        method = find_method(operation)
        write_value(parts, 'Response', result, (method.item_type if method.item_type not in ('string', 'int') else 'a:' + method.item_type)
                    if method.item_type else ('StringKeyValuePair' if method.result_type == 'StringDictionary' else None))
    parts.append('</%sResponse>' % operation)
    return wire.Response(200, envelope(version, headers_xml(namespace, error), ''.join(parts)), CONTENT_TYPES[version])


def _agent(exchange, tenant, method, params, header, version, namespace):
    ticket = _header_value(header, 'Credentials', 'Ticket')
    app_token = _header_value(header, 'ApplicationToken')
    fault, drop_after = fire_fault(tenant, method.name, exchange, params)
    if fault:
        # A reflecting fault echoes the credentials, which SOAP carries in the envelope.
        return wire.fault_response(fault, ({'Authorization': 'SOTicket %s' % ticket, 'SO-AppToken': app_token or ''}, b''))
    auth = authenticate(tenant, 'SOTicket %s' % ticket if ticket else None, app_token)
    exchange.auth = 'SOTicket' if ticket else 'none'
    exchange.app_token = auth.app_token
    if not auth.ok:
        message = auth.error.replace('SO-AppToken header', 'ApplicationToken')
        return _answer(version, namespace, method.name, None, error=('SoSecurityException', message))
    try:
        result = tenant.call(method, params)
    except AgentError as exc:
        return _answer(version, namespace, method.name, None, error=('SoException', exc.detail))
    response = _answer(version, namespace, method.name, result, void=result is NO_CONTENT)
    return wire.DROP if drop_after else response
