# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The contract: SuperOffice's Swagger of the ErpSync agent as strict JSON schemas, for request bodies and answers.

Strict means: an object may carry only the properties the Swagger names (a misspelt key fails), and null is allowed only
where .NET serializes one (strings, objects, arrays; never an int, a bool or an enum).
"""

import copy
import json
import os

import jsonschema

SWAGGER_FILE = os.path.join(os.path.dirname(__file__), 'swagger', 'Swagger-v1-ErpSyncAgent.json')
PREFIX = '/api/v1/Agents/ErpSync/'


def _strict(schema):
    """A copy of a Swagger schema that refuses unknown properties and allows null only for .NET reference types."""
    schema = copy.deepcopy(schema)
    if schema.get('type') == 'object' and 'properties' in schema and 'additionalProperties' not in schema:
        schema['additionalProperties'] = False
    for name, prop in list((schema.get('properties') or {}).items()):
        prop = _strict(prop)
        if '$ref' in prop or (prop.get('type') in ('string', 'object', 'array') and 'enum' not in prop):
            prop = {'anyOf': [prop, {'type': 'null'}]}
        schema['properties'][name] = prop
    if isinstance(schema.get('items'), dict):
        schema['items'] = _strict(schema['items'])
    if isinstance(schema.get('additionalProperties'), dict):
        schema['additionalProperties'] = _strict(schema['additionalProperties'])
    return schema


class Contract:
    """The methods of the Swagger with their strict request and answer schemas."""

    def __init__(self, path=SWAGGER_FILE):
        with open(path) as handle:
            swagger = json.load(handle)
        self.definitions = dict((name, _strict(schema)) for name, schema in swagger['definitions'].items())
        self.methods = {}
        for path_name, operations in swagger['paths'].items():
            operation = operations['post']
            body = [p for p in operation['parameters'] if p['in'] == 'body']
            query = [p['name'] for p in operation['parameters'] if p['in'] == 'query' and not p['name'].startswith('$')]
            answer = (operation['responses'].get('200') or {}).get('schema')
            self.methods[path_name[len(PREFIX):]] = dict(body=body[0]['schema'] if body else None, query=query, answer=answer)

    def _validator(self, schema):
        return jsonschema.Draft4Validator(dict(_strict(schema), definitions=self.definitions))

    def request_problems(self, method, body, query=None):
        """Why a request does not match the Swagger (an empty list when it does)."""
        spec = self.methods.get(method)
        if spec is None:
            return ['%s is not a method of the ErpSync agent' % method]
        problems = ['%s: query parameter %s is not in the Swagger (it has %s)' % (method, name, spec['query'] or 'none')
                    for name in sorted(query or {}) if name not in spec['query']]
        if spec['body'] is None:
            if body not in (None, {}):
                problems.append('%s takes no body, got %r' % (method, body))
            return problems
        return problems + ['%s request: %s at %s' % (method, e.message, '/'.join(str(p) for p in e.absolute_path) or 'the body')
                           for e in self._validator(spec['body']).iter_errors(body)]

    def carrier_problems(self, definition, value):
        """Why a value is not the Swagger carrier ``definition`` (or, for a list, why its items are not), e.g. the items of
        ``GET api/v1/MDOList/{name}`` against ``SuperOffice.CRM.Services.MDOListItem``."""
        schema = {'$ref': '#/definitions/%s' % definition}
        if isinstance(value, list):
            schema = {'type': 'array', 'items': schema}
        return ['%s: %s at %s' % (definition, e.message, '/'.join(str(p) for p in e.absolute_path) or 'the value')
                for e in self._validator(schema).iter_errors(value)]

    def answer_problems(self, method, answer):
        """Why an answer does not match the Swagger (void methods answer nothing)."""
        spec = self.methods[method]
        if spec['answer'] is None:
            return [] if answer in (None, '') else ['%s is void, but answered %r' % (method, answer)]
        return ['%s answer: %s at %s' % (method, e.message, '/'.join(str(p) for p in e.absolute_path) or 'the answer')
                for e in self._validator(spec['answer']).iter_errors(answer)]


CONTRACT = Contract()
