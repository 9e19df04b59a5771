# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The connection options every module takes: the documentation of plugins/module_utils/_options.py WEBAPI_ARGUMENT_SPEC.


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base address of the tenant, for example V(https://online2.superoffice.com/Cust12345) (SuperOffice Online)
        or V(https://crm.example.com/SuperOffice) (on-site).
      - A trailing V(/), V(/api) or V(/api/v1) is accepted and removed.
      - If not set, the value of the E(SUPEROFFICE_URL) environment variable is used.
      - Exactly one of O(url) and O(context_identifier) is required (as the option or the environment variable).
    type: str
  context_identifier:
    description:
      - SuperOffice Online only. The tenant id (customer id), for example V(Cust12345). Instead of O(url), the tenant's
        current API address is looked up at C(GET https://{environment}.superoffice.com/api/state/{context_identifier})
        (unauthenticated) once per task, so the numbered host (C(online2), C(online3), ...) never has to be configured.
      - The task fails, naming the state, when the tenant is not running (for example V(Suspended) or V(OfflineMaintenance)).
      - When the tenant answers C(HTTP 421 Misdirected Request) because it moved to another host, the address is looked up
        once more and the request is repeated.
      - Mutually exclusive with O(url).
      - If not set, the value of the E(SUPEROFFICE_CONTEXT_IDENTIFIER) environment variable is used.
    type: str
  environment:
    description:
      - SuperOffice Online only. The SuperOffice environment of the tenant, used with O(context_identifier) to look the tenant up
        and with O(system_user_token) to log in.
      - V(sod) is the development environment (C(sod.superoffice.com)), V(stage) the stage/QA environment (C(qaonline.superoffice.com)),
        V(online) production (C(online.superoffice.com)).
      - If not set, the value of the E(SUPEROFFICE_ENVIRONMENT) environment variable is used.
    type: str
    choices: [sod, stage, online]
    default: online
  environment_url:
    description:
      - Advanced. Overrides the address of the O(environment), for example V(https://online.superoffice.com); meant for tests
        against an emulator and for private SuperOffice environments.
      - If not set, the value of the E(SUPEROFFICE_ENVIRONMENT_URL) environment variable is used.
    type: str
  username:
    description:
      - User name for C(Basic) authentication, together with O(password). On-site installations only,
        and only where the WebAPI allows it (C(AuthorizeWithUsername)).
      - If not set, the value of the E(SUPEROFFICE_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for C(Basic) authentication, with O(username).
      - Exactly one of O(password), O(ticket), O(access_token) and O(system_user_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token), O(system_user_token)) is given, the value of the E(SUPEROFFICE_PASSWORD) environment
        variable is used; explicit options always win over these variables.
    type: str
  ticket:
    description:
      - A SuperOffice credentials ticket (C(7T:...)), sent in the C(Authorization) header with the C(SOTicket) scheme.
        Tickets expire after 6 hours. SuperOffice Online also needs O(app_token).
      - Exactly one of O(password), O(ticket), O(access_token) and O(system_user_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token), O(system_user_token)) is given, the value of the E(SUPEROFFICE_TICKET) environment
        variable is used; explicit options always win over these variables.
    type: str
  access_token:
    description:
      - An OAuth/OpenID Connect access token from SuperID (SuperOffice Online), sent in the C(Authorization) header with the C(Bearer) scheme.
      - Exactly one of O(password), O(ticket), O(access_token) and O(system_user_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token), O(system_user_token)) is given, the value of the
        E(SUPEROFFICE_ACCESS_TOKEN) environment variable is used; explicit options always win over these variables.
    type: str
  system_user_token:
    description:
      - SuperOffice Online only. The system user token of your app for this tenant (C(AppName-...)), for unattended runs. It
        is signed with O(private_key) (C({token}.{UTC yyyyMMddHHmm}.{RSA SHA-256 signature})) and exchanged at
        C(https://{environment}.superoffice.com/Login/api/PartnerSystemUser/Authenticate), together with O(app_token), for a
        signed JWT. The JWT is verified against the environment's published keys and its system user ticket is then sent with
        the C(SOTicket) scheme in the C(Authorization) header, together with C(SO-AppToken). This happens once per task.
      - Needs O(app_token), O(private_key) and the tenant id, from O(context_identifier) or from the path of O(url)
        (V(https://online2.superoffice.com/Cust12345)).
      - Needs the Python library C(cryptography) on the host that runs the module.
      - Exactly one of O(password), O(ticket), O(access_token) and O(system_user_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token), O(system_user_token)) is given, the value of the
        E(SUPEROFFICE_SYSTEM_USER_TOKEN) environment variable is used; explicit options always win over these variables.
    type: str
  app_token:
    description:
      - The application token (client secret) of your registered SuperOffice app, sent as the C(SO-AppToken) header.
        SuperOffice Online requires it together with O(ticket) and with O(system_user_token).
      - If not set, the value of the E(SUPEROFFICE_APP_TOKEN) environment variable is used.
    type: str
  private_key:
    description:
      - The RSA private key of your SuperOffice app, used with O(system_user_token). Give the key itself in PEM form
        (C(-----BEGIN RSA PRIVATE KEY-----) or C(-----BEGIN PRIVATE KEY-----), without a passphrase), the RSA XML form
        (C(<RSAKeyValue>...)) SuperOffice issues, or the path of a file holding either.
      - Ignored unless O(system_user_token) is used.
      - If not set, the value of the E(SUPEROFFICE_PRIVATE_KEY) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Set to V(false) only on trusted test systems.
      - If not set, the value of the E(SUPEROFFICE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM CA bundle used to verify the server certificate, for installations behind a private PKI.
      - If not set, the value of the E(SUPEROFFICE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
      - A write that gets no answer in time may still be running on the server. The module then reads the object again at once,
        after half of this time and after this time (at most O(retry_max_wait)); when the write never shows, it is B(not) sent
        again (a toggle would flip twice, a create make two) and the task fails for that object, saying so.
      - If not set, the value of the E(SUPEROFFICE_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a connection error, HTTP 429 (honouring C(Retry-After)) or
        HTTP 502, 503 or 504, with exponential backoff and jitter. Each retry is reported as a warning.
      - Writes that are not safe to repeat (toggling the Active flag, creating a connection) are only retried when the
        server certainly did not act on them; after an unclear outcome the module re-reads the state and decides.
      - If not set, the value of the E(SUPEROFFICE_RETRIES) environment variable is used.
    type: int
    default: 3
  retry_max_wait:
    description:
      - The longest wait, in seconds, before one retry, also when the server asks for longer with C(Retry-After).
      - If not set, the value of the E(SUPEROFFICE_RETRY_MAX_WAIT) environment variable is used.
    type: float
    default: 60
  concurrency:
    description:
      - How many independent writes (to different objects, for example toggling many connections) are sent at once.
        V(1) sends every request one after the other.
      - Writes to one object keep their order, and every safeguard holds at any setting (a fresh read before a wave of
        toggles, no repeated flip or create, per-object failures). After HTTP 429 every parallel request waits for
        C(Retry-After).
      - If not set, the value of the E(SUPEROFFICE_CONCURRENCY) environment variable is used.
    type: int
    default: 4
  lock_timeout:
    description:
      - A run that changes a tenant holds a lock on the controller, so that two runs on the same controller, or a module process
        left over from a killed C(ansible-playbook), never write on a view the other one is changing. Another run waits for it
        up to this many seconds, then fails with nothing changed. Check mode and read-only modules take no lock.
      - The lock is a file per tenant in a directory of the user's own under their home directory,
        C(~/.cache/superoffice.crm/locks), mode C(0700); not in the shared temporary directory, where another user could
        block every run, and whose place C(TMPDIR) may change per job. A directory or lock file there that is a symbolic
        link, or that another user owns (or may write), is never used; the run fails before any request, naming it, so that
        it can be removed. Where C(HOME) is empty or not an absolute path, or the directory cannot be made under it (a
        home that is missing, read-only or a file), a run that changes a tenant fails before any request, naming the path,
        unless this is V(0).
      - One tenant takes one lock however its address is written; the host in any case and without a final dot (C(localhost)
        as C(127.0.0.1)), the port (the scheme's default when none is given), the path in any case and without a final C(/).
        Names are not resolved, so two other names of one host take two locks; write one address per tenant.
      - The lock covers runs of one user with one home directory on one controller only; the ERP Sync API has no lock of its
        own. Jobs that each run in a container of their own (AWX and Automation Platform execution environments) or with
        another C(HOME) do not see each other's locks. Run one converging play per tenant at a time (see the guide on
        pipelines; in AWX, a job template per tenant without concurrent jobs).
      - V(0) takes no lock.
      - If not set, the value of the E(SUPEROFFICE_LOCK_TIMEOUT) environment variable is used.
    type: float
    default: 600
  api:
    description:
      - Which face of the ErpSync agent to use. V(rest) is the REST WebAPI (C(api/v1/Agents/ErpSync)).
      - V(soap) uses the SOAP services C(Remote/ServicesNN/ErpSync.svc), for installations older than the REST WebAPI
        or that only open the SOAP endpoints. Options, results and idempotence are the same.
      - Over SOAP the credentials travel in the SOAP envelope, not in HTTP headers. O(ticket) is used as it is;
        O(username) with O(password), or O(access_token), is exchanged once per task for a ticket at
        C(Remote/ServicesNN/SoPrincipal.svc). O(app_token) is sent as the C(ApplicationToken) SOAP header.
      - The SOAP ErpSync service of Services versions before Services88 has no C(GetAllConnections) and no
        C(GetAllConnectors); modules that list connections or connectors fail there with an error naming the version.
      - If not set, the value of the E(SUPEROFFICE_API) environment variable is used.
    type: str
    choices: [rest, soap]
    default: rest
  services_version:
    description:
      - With O(api=soap), the C(ServicesNN) part of the SOAP address, for example V(Services88) or V(Services86).
      - When not set, it is read once per task from the unauthenticated version probe C(GET <url>/api)
        (its C(ServicesCurrent) field, else C(Services)); set it when that probe is not available.
      - If not set, the value of the E(SUPEROFFICE_SERVICES_VERSION) environment variable is used.
    type: str
  soap_version:
    description:
      - With O(api=soap), the SOAP version of the endpoint. The SuperOffice WSDLs publish a C(BasicHttpBinding), which is
        SOAP V(1.1) (C(text/xml) with a C(SOAPAction) header). Use V(1.2) for an endpoint bound to SOAP 1.2
        (C(application/soap+xml)); a mismatch fails with an error that names this option.
      - If not set, the value of the E(SUPEROFFICE_SOAP_VERSION) environment variable is used.
    type: str
    choices: ['1.1', '1.2']
    default: '1.1'
requirements:
  - requests
  - cryptography (only with O(system_user_token))
notes:
  - The modules run on the controller (or wherever they are delegated); use C(hosts=localhost) or C(delegate_to=localhost).
  - All modules are in the action group C(superoffice.crm.webapi), so connection options can be set once for all of them
    with C(group/superoffice.crm.webapi) under C(module_defaults).
  - Secrets (O(password), O(ticket), O(access_token), O(system_user_token), O(app_token), O(private_key), and the signed token,
    JWT and ticket derived from them) are never shown in results, warnings or errors, also not when a server or proxy
    echoes them back (in clear, Base64-encoded as in a C(Basic) header, JSON-escaped or URL-encoded).
  - Answers are checked before they are used. A C(null) where the ErpSync agent should answer something, an error object
    (with C(Error=true), or C(Message) and C(MessageDetail)) or a value of the wrong type fails the task naming the method and
    the field, and nothing is written because of it.
  - TLS is verified with O(ca_path) or the system's trust store; O(validate_certs) and O(ca_path) are passed with every request,
    so E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) cannot override them.
'''
