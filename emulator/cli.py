# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``python -m emulator``: start the emulator, print its URLs, stop cleanly on SIGTERM/SIGINT."""

import argparse
import os
import signal
import sys
import threading

from .reqlog import RequestLog
from .server import EmulatorServer
from .store import MAX_LATENCY, DataError, TenantStore

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'demo.json')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='python -m emulator', description='SuperOffice WebAPI (ErpSync agent) emulator')
    parser.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port to bind; 0 picks a free one (default 0)')
    parser.add_argument('--data', default=DEFAULT_DATA, help='tenant data file (default emulator/data/demo.json)')
    parser.add_argument('--log', help='append the request log to this file as JSON lines')
    parser.add_argument('--engine-delay', type=float, default=1.0,
                        help='seconds until a queued ChangeEngineStatus takes effect (default 1.0; per-tenant engine.delay wins)')
    parser.add_argument('--port-file', help='write the bound port number to this file (atomically) once listening')
    parser.add_argument('--latency', type=float, default=0.0,
                        help='seconds every API request waits before it is answered, as across a WAN (default 0; per-tenant latency wins)')
    parser.add_argument('--tls-cert', help='serve HTTPS with this PEM certificate (chain) file; needs --tls-key')
    parser.add_argument('--tls-key', help='the PEM private key of --tls-cert')
    args = parser.parse_args(argv)
    if args.engine_delay < 0:
        parser.error('--engine-delay must not be negative')
    if not 0 <= args.latency <= MAX_LATENCY:
        parser.error('--latency must be between 0 and %s seconds' % MAX_LATENCY)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error('--tls-cert and --tls-key go together')
    return args


def write_port_file(path, port):
    # Write then rename, so a script polling for the file never reads a partial number.
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write('%d\n' % port)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    try:
        store = TenantStore.from_file(args.data, default_delay=args.engine_delay)
    except (OSError, DataError) as exc:
        sys.stderr.write('emulator: cannot load %s: %s\n' % (args.data, exc))
        return 2
    try:
        request_log = RequestLog(args.log)
        server = EmulatorServer((args.host, args.port), store, request_log, latency=args.latency,
                                tls=(args.tls_cert, args.tls_key) if args.tls_cert else None)
    except OSError as exc:
        sys.stderr.write('emulator: cannot start: %s\n' % exc)
        return 2

    def stop(signum, frame):
        del signum, frame
        # shutdown() waits for serve_forever() to return, so it cannot run in this (main) thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    print('SuperOffice WebAPI emulator listening on %s' % server.base_url, flush=True)
    for tenant in store.all():
        print('  tenant %s: %s/%s (%s)' % (tenant.key, server.base_url, tenant.key, 'online' if tenant.online else 'onsite'), flush=True)
    if args.port_file:
        write_port_file(args.port_file, server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.stop()
    return 0
