# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ErpSync over SOAP (``Remote/ServicesNN/ErpSync.svc``), for installations without the REST WebAPI.

The transport speaks REST shapes to the client: it takes the same JSON-like request bodies and returns the
same JSON-like answers the REST agent gives, so modules and ``ErpSyncAPI`` do not know which API they use.

Wire decisions (see also the reference, section 6):

* SOAP 1.1 by default: the WSDL binding is ``BasicHttpBinding`` (``text/xml`` + ``SOAPAction``). The doc samples
  use the SOAP 1.2 envelope namespace; ``soap_version: '1.2'`` sends that (``application/soap+xml; action=...``).
  There is no automatic switch: a wrong version is answered with HTTP 415 or a VersionMismatch fault, and the
  error names the option. Guessing would cost a request on every run and hide a misconfigured endpoint.
* ``ApplicationToken`` and ``Credentials/Ticket`` go inside ``<Header>``, where WCF reads message headers. The doc
  samples put them directly under ``Envelope``, a quirk of the doc generator.
* Elements are document/literal without ``xsi:type`` (WCF does not read it); members of a carrier are sent in WSDL
  order, as the DataContractSerializer expects; read-only carrier metadata (TableRight, FieldProperties) is not sent.
* Answers are parsed with ElementTree only after a guard refused any DOCTYPE/ENTITY declaration (no entity expansion,
  no external entities), and answers that are not UTF-8 XML are refused as well.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import re
import threading
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from ansible.module_utils.common.text.converters import to_bytes, to_text

from ansible_collections.superoffice.crm.plugins.module_utils._base import Answer, WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._values import seconds_to_timespan, timespan_to_seconds

SOAP_ENVELOPES = {
    '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
    '1.2': 'http://www.w3.org/2003/05/soap-envelope',
}
XSI = 'http://www.w3.org/2001/XMLSchema-instance'
ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays'
SERVICES_NS = 'http://www.superoffice.net/ws/crm/NetServer/%s'

# GetAllConnections and GetAllConnectors exist in the ErpSync service from Services88 on (reference section 6 table).
LIST_METHODS_SINCE = 88
LIST_METHODS = ('GetAllConnections', 'GetAllConnectors')

# Tickets come from SoPrincipal of the same Services version; both answer an AuthenticateResponse with
# Credentials/Ticket and AuthenticationSucceeded. Shapes from SuperOfficeDocs/superoffice-docs:
# docs/en/api/reference/soap/Services88/SoPrincipal/AuthenticateUsernamePassword.md and .../AuthenticateWithAccessToken.md
LOGIN_METHODS = {'password': 'AuthenticateUsernamePassword', 'access_token': 'AuthenticateWithAccessToken'}

# Methods whose REST body is a carrier itself, and the SOAP request member that holds it.
BARE_BODY_METHODS = {'SaveErpSyncConnectorEntity': 'ErpSyncConnectorEntity'}

# ErpConnection members in WSDL order (Services88-ErpSync WSDL); request members of other methods follow the same order.
MEMBER_ORDER = ('ErpConnectionId', 'ErpConnectorId', 'DisplayName', 'DisplayDescription', 'Active', 'ConnectionId',
                'MostRecentTimestamp', 'ConfigFields', 'Deleted', 'AllAccess', 'UserGroupAccessIds', 'AssociateAccessIds')
READ_ONLY_MEMBERS = ('TableRight', 'FieldProperties')

# How to read elements that carry no xsi:type (WCF sends none): by element name.
_INTS = frozenset(('ErpConnectionId', 'ErpConnectorId', 'Id', 'Rank', 'MaxLength', 'FieldLength', 'int'))
_BOOLS = frozenset(('IsRunning', 'Active', 'Deleted', 'AllAccess', 'ShowInSearch', 'HasMappings', 'Succeeded',
                    'AuthenticationSucceeded', 'IncludeDeleted', 'Run', 'boolean'))
_LISTS = frozenset(('UserGroupAccessIds', 'AssociateAccessIds', 'Actors'))
_MAPS = frozenset(('ConfigFields', 'FieldProperties', 'Parameters', 'ExtraInfo'))
_DURATIONS = frozenset(('Interval',))
# The Response element of these methods, when it has no xsi:type.
RESULT_KINDS = {
    'GetAllConnections': 'list', 'GetAllConnectors': 'list', 'GetConfigurationFields': 'list',
    'ToggleErpConnectionActive': 'list', 'GetErpConnectionConfigFields': 'map',
    'TestConnectionById': 'bool', 'TestConnectionByConfig': 'bool', 'UpdateConnectionFields': 'bool',
}

_SERVICES = re.compile(r'^(?:services)?(\d{2,3})$', re.IGNORECASE)
# xs:duration as .NET writes a TimeSpan (days at most; years and months are not fixed lengths).
_DURATION = re.compile(r'^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$')
_DTD = re.compile(br'<!\s*(DOCTYPE|ENTITY)', re.IGNORECASE)


class MethodUnavailable(WebAPIError):
    """The method does not exist in the Services version in use; nothing was sent."""


def services_name(value):
    """``Services88`` from ``Services88``, ``services88`` or ``88``; raise ValueError otherwise."""
    match = _SERVICES.match(('%s' % (value,)).strip())
    if not match:
        raise ValueError('services_version must look like Services88 (the ServicesNN part of Remote/ServicesNN/ErpSync.svc), '
                         'got %r' % (value,))
    return 'Services%d' % int(match.group(1))


def seconds_to_duration(seconds):
    """Whole seconds as the xs:duration .NET writes for a TimeSpan: ``PT10M``, ``P1DT2H``, ``PT0S``."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = ''.join('%d%s' % (n, unit) for n, unit in ((hours, 'H'), (minutes, 'M'), (secs, 'S')) if n)
    if not days and not clock:
        return 'PT0S'
    return 'P' + ('%dD' % days if days else '') + ('T' + clock if clock else '')


def duration_to_seconds(text):
    """Whole seconds of an xs:duration (fractions dropped), or None when it is not one a TimeSpan can hold."""
    match = _DURATION.match((text or '').strip().upper())
    if not match or text.strip().upper() in ('P', 'PT') or text.strip().upper().endswith('T'):
        return None
    days, hours, minutes, secs = match.groups('0')
    return ((int(days) * 24 + int(hours)) * 60 + int(minutes)) * 60 + int(float(secs))


def _member_key(item):
    name = item[0]
    return MEMBER_ORDER.index(name) if name in MEMBER_ORDER else len(MEMBER_ORDER)


def _to_xml(name, value):
    """One request element, document/literal. Lists become Arrays items; ConfigFields a StringDictionary."""
    if value is None:
        return '<%s i:nil="true"/>' % name
    local = name.split(':')[-1]
    if local in _MAPS and isinstance(value, dict):
        inner = ''.join('<StringKeyValuePair>%s%s</StringKeyValuePair>' % (_to_xml('Key', k), _to_xml('Value', v))
                        for k, v in value.items())
    elif isinstance(value, dict):
        members = [(k, v) for k, v in value.items() if k not in READ_ONLY_MEMBERS]
        inner = ''.join(_to_xml(k, v) for k, v in sorted(members, key=_member_key))
    elif isinstance(value, (list, tuple)):
        inner = ''.join(_to_xml('a:' + ('int' if isinstance(v, int) and not isinstance(v, bool) else 'string'), v) for v in value)
    elif isinstance(value, bool):
        inner = 'true' if value else 'false'
    elif local in _DURATIONS:
        seconds = timespan_to_seconds(value)
        inner = escape(seconds_to_duration(seconds) if seconds is not None else '%s' % value)
    else:
        inner = escape('%s' % (value,))
    return '<%s>%s</%s>' % (name, inner, name)


def build_envelope(soap_version, services, method, body=None, ticket=None, app_token=None):
    """The SOAP request for one method of a ServicesNN service, as bytes."""
    header = ''
    if app_token:
        header += _to_xml('ApplicationToken', app_token)
    if ticket:
        header += '<Credentials>%s</Credentials>' % _to_xml('Ticket', ticket)
    params = sorted((body or {}).items(), key=_member_key)
    text = ('<?xml version="1.0" encoding="utf-8"?>'
            '<s:Envelope xmlns:s="%s" xmlns:i="%s" xmlns:a="%s">'
            '<s:Header xmlns="%s">%s</s:Header>'
            '<s:Body><%s xmlns="%s">%s</%s></s:Body></s:Envelope>') % (
        SOAP_ENVELOPES[soap_version], XSI, ARRAYS, SERVICES_NS % services, header,
        method, SERVICES_NS % services, ''.join(_to_xml(k, v) for k, v in params), method)
    return to_bytes(text, errors='surrogate_or_strict')


def safe_fromstring(raw):
    """Parse XML bytes; raise ValueError for a DTD/entity declaration (checked before parsing) or non-UTF-8 input."""
    if b'\x00' in raw:
        raise ValueError('the answer is not UTF-8 XML')
    if _DTD.search(raw):
        raise ValueError('the answer declares a DOCTYPE or ENTITY, which is refused (no XML entity expansion)')
    try:
        return ElementTree.fromstring(raw)
    except ElementTree.ParseError as e:
        raise ValueError('the answer is not well-formed XML (%s)' % e)


def _local(tag):
    return tag.rsplit('}', 1)[-1] if isinstance(tag, str) else ''


def _child(elem, name):
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _kind(name, elem):
    for names, kind in ((_INTS, 'int'), (_BOOLS, 'bool'), (_LISTS, 'list'), (_MAPS, 'map'), (_DURATIONS, 'duration')):
        if name in names:
            return kind
    xsi_type = (elem.get('{%s}type' % XSI) or '').split(':')[-1]
    if xsi_type in ('int', 'long', 'short'):
        return 'int'
    if xsi_type == 'boolean':
        return 'bool'
    if xsi_type == 'duration':
        return 'duration'
    if xsi_type.startswith('ArrayOf'):
        return 'list'
    if xsi_type.endswith('Dictionary'):
        return 'map'
    return None


def from_xml(elem, kind=None):
    """An answer element as the JSON value REST gives: typed scalars, dicts, lists, TimeSpan text; nil is None."""
    if elem.get('{%s}nil' % XSI) in ('true', '1'):
        return None
    kind = kind or _kind(_local(elem.tag), elem)
    children = list(elem)
    if kind == 'list':
        return [from_xml(child) for child in children]
    if kind == 'map':
        entries = {}
        for entry in children:
            key, value = _child(entry, 'Key'), _child(entry, 'Value')
            if key is not None:
                entries[key.text or ''] = from_xml(value) if value is not None else None
        return entries
    if children:
        return dict((_local(child.tag), from_xml(child)) for child in children)
    text = elem.text or ''
    if kind == 'int':
        try:
            return int(text.strip())
        except ValueError:
            return text
    if kind == 'bool':
        return text.strip().lower() in ('true', '1')
    if kind == 'duration':
        if not text.strip():
            return None
        seconds = duration_to_seconds(text)
        return text if seconds is None else seconds_to_timespan(seconds)
    return text


def _fault_text(fault):
    """``Code: reason`` of a SOAP 1.1 (faultcode/faultstring) or 1.2 (Code/Value, Subcode, Reason/Text) fault."""
    code = _child(fault, 'faultcode')
    reason = _child(fault, 'faultstring')
    if code is None:
        code_elem = _child(fault, 'Code')
        while code_elem is not None:
            code = _child(code_elem, 'Value')
            code_elem = _child(code_elem, 'Subcode')
        reason_elem = _child(fault, 'Reason')
        reason = _child(reason_elem, 'Text') if reason_elem is not None else None
    code_text = ((code.text if code is not None else None) or 'Fault').strip().split(':')[-1]
    return '%s: %s' % (code_text, ((reason.text if reason is not None else None) or 'no reason given').strip())


def _exception_text(info):
    """The ExceptionInfo header (SoExceptionInfo) as ``ExceptionType: Message``, or None when it is empty."""
    if info is None or info.get('{%s}nil' % XSI) in ('true', '1'):
        return None
    fields = dict((_local(child.tag), (child.text or '').strip()) for child in info)
    message = fields.get('Message') or fields.get('FriendlyText')
    if not message:
        return None
    return '%s: %s' % (fields['ExceptionType'], message) if fields.get('ExceptionType') else message


def _header_error(header):
    """The error a SOAP header reports (ExceptionInfo, or Succeeded=false), or None."""
    if header is None:
        return None
    error = _exception_text(_child(header, 'ExceptionInfo'))
    succeeded = _child(header, 'Succeeded')
    if succeeded is not None and (succeeded.text or '').strip().lower() == 'false':
        error = error or 'the server reported Succeeded=false without an ExceptionInfo'
    return error


class SoapTransport:
    """ErpSync over SOAP: POST {base}/Remote/ServicesNN/ErpSync.svc, credentials in the envelope.

    The Services version is given or read once from the unauthenticated ``GET {base}/api``; with username/password
    (or an access token) a ticket is obtained once per module run from ``Remote/ServicesNN/SoPrincipal.svc``.
    """

    format_name = 'SOAP XML'

    def __init__(self, client, authorization):
        self.client = client
        params = client.params
        self.soap_version = params.get('soap_version') or '1.1'
        self.services = None
        # A ticket (given, or a system user ticket) is used as is; Basic and Bearer credentials are exchanged at SoPrincipal.
        self.ticket = authorization[len('SOTicket '):] if authorization.startswith('SOTicket ') else None
        self._lock = threading.RLock()  # the version probe and the login happen once, whichever thread asks first (the login is a send)
        if params.get('services_version'):
            try:
                self.services = services_name(params['services_version'])
            except ValueError as e:
                client.module.fail_json(msg=str(e))

    @property
    def services_number(self):
        return int(self.services[len('Services'):])

    def send(self, method, body, query=None):
        with self._lock:
            services = self._services()
        if method == 'MDOList':
            raise WebAPIError('the MDO list %s is read over the REST WebAPI only (GET api/v1/MDOList/%s); the SOAP services '
                              'have no such read. Use api=rest; with api=soap, give CRM list items by id, and the sync priority '
                              'cannot be read' % (query['name'], query['name']), method=method)
        # Query parameters of REST (the connector entity methods) are plain request members in SOAP, and the entity that
        # REST takes as the whole body is the ErpSyncConnectorEntity member.
        if method in BARE_BODY_METHODS:
            body = {BARE_BODY_METHODS[method]: body}
        body = dict(body or {}, **{key[:1].upper() + key[1:]: value for key, value in (query or {}).items()})
        if method in LOGIN_METHODS.values():
            return self._post('SoPrincipal', method, body, None)
        if method in LIST_METHODS and self.services_number < LIST_METHODS_SINCE:
            raise MethodUnavailable(
                'ErpSync %s is not available over SOAP in %s: the ErpSync service has it from Services%d on. Use api=rest '
                '(the REST WebAPI exposes the latest agent methods), or set services_version to Services%d if this server '
                'offers it (GET %s/api shows ServicesCurrent)' % (
                    method, services, LIST_METHODS_SINCE, LIST_METHODS_SINCE, self.client.base_url), method=method)
        with self._lock:
            ticket = self._login()
        return self._post('ErpSync', method, body, ticket)

    def _post(self, service, method, body, ticket):
        namespace = SERVICES_NS % self.services
        action = '%s/%s/%s' % (namespace, service, method)
        if self.soap_version == '1.1':
            headers = {'Content-Type': 'text/xml; charset=utf-8', 'SOAPAction': '"%s"' % action, 'Accept': 'text/xml'}
        else:
            headers = {'Content-Type': 'application/soap+xml; charset=utf-8; action="%s"' % action, 'Accept': 'application/soap+xml'}
        data = build_envelope(self.soap_version, self.services, method, body, ticket, self.client.params.get('app_token'))
        return self.client.session.post('%s/Remote/%s/%s.svc' % (self.client.base_url, self.services, service), data=data,
                                        headers=headers, timeout=self.client.params['timeout'], verify=self.client.verify,
                                        allow_redirects=False)

    def _services(self):
        """The ServicesNN to use: given, or ServicesCurrent (else Services) of the version probe ``GET {base}/api``."""
        if self.services is None:
            url = self.client.base_url + '/api'
            response = self.client.session.get(url, timeout=self.client.params['timeout'], verify=self.client.verify,
                                               allow_redirects=False)
            found = None
            if response.status_code == 200:
                try:
                    data = response.json()
                except ValueError:
                    data = None
                if isinstance(data, dict):
                    found = data.get('ServicesCurrent') or data.get('Services')
            try:
                self.services = services_name(found)
            except ValueError:
                raise WebAPIError(
                    'Could not detect the SOAP Services version: GET %s answered HTTP %d without a ServicesCurrent or Services '
                    'field. Set services_version (or SUPEROFFICE_SERVICES_VERSION) to the ServicesNN of your installation, '
                    'as in its Remote/ServicesNN/ErpSync.svc address, for example Services88' % (url, response.status_code))
        return self.services

    def _login(self):
        """The ticket for the envelope: the given one, or one from SoPrincipal, obtained once per run."""
        if self.ticket:
            return self.ticket
        params = self.client.params
        kind = self.client.credential
        method = LOGIN_METHODS[kind]
        body = {'UserName': params.get('username'), 'Password': params['password']} if kind == 'password' else {'AccessToken': params['access_token']}
        try:
            answer = self.client.call(method, body, repeatable=True) or {}  # a login changes nothing
        except WebAPIError as e:
            raise WebAPIError(re.sub('^ErpSync ', 'SoPrincipal ', e.message), status=e.status, method=method)
        ticket = (answer.get('Credentials') or {}).get('Ticket')
        if not answer.get('AuthenticationSucceeded') or not ticket:
            hint = ('check username and password; SuperOffice Online does not take passwords (use ticket with app_token, or access_token)'
                    if kind == 'password' else 'check access_token (access tokens expire after about an hour) and app_token')
            raise WebAPIError('SOAP login failed: %s/SoPrincipal %s did not authenticate: %s' % (self.services, method, hint), method=method)
        self.client.secrets.add(ticket)
        self.ticket = ticket
        return ticket

    def parse(self, response, method):
        raw = response.content or b''
        if response.status_code == 415:
            other = '1.2' if self.soap_version == '1.1' else '1.1'
            return Answer(error_text='%s; the endpoint expects the other SOAP version: set soap_version to %s' % (
                (self.client.secrets.cut(to_text(raw)) or 'unsupported media type'), other))
        if not raw.strip() or 'html' in (response.headers.get('Content-Type') or '').lower():
            return Answer()  # not SOAP: the client reports it (a login page, a proxy)
        try:
            root = safe_fromstring(raw)
        except ValueError as e:
            if 'not well-formed' in str(e):
                return Answer()
            return Answer(structured=True, error_text=str(e), refused=True)
        header, body = _child(root, 'Header'), _child(root, 'Body')
        if _local(root.tag) != 'Envelope' or body is None:
            return Answer()
        fault = _child(body, 'Fault')
        if fault is not None:
            return Answer(structured=True, error_text=self._fault_hint(_fault_text(fault), method), refused=True)
        error = _header_error(header)
        payload = list(body)[0] if len(body) else None
        if error:
            return Answer(structured=True, error_text=error, refused=True)
        if payload is None:
            return Answer(None, True)
        if method in LOGIN_METHODS.values():
            return Answer(from_xml(payload, 'struct'), True)
        result = _child(payload, 'Response')
        return Answer(from_xml(result, RESULT_KINDS.get(method)) if result is not None else None, True)

    def _fault_hint(self, text, method):
        code = text.split(':', 1)[0]
        if code == 'VersionMismatch':
            return '%s; the endpoint speaks the other SOAP version: set soap_version to %s' % (text, '1.2' if self.soap_version == '1.1' else '1.1')
        if code in ('ActionNotSupported', 'ContractFilter') or 'ContractFilter' in text:
            return '%s; the ErpSync service of %s has no method %s: check services_version' % (text, self.services, method)
        return text
