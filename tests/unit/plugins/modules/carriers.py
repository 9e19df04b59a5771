# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Carriers as the ErpSync agent answers them (the Swagger's shapes), for the unit tests of the modules."""

import copy

META = {'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}
LIST = {'IncludeDeleted': False}


def connection(conn_id, name='Visma', connector=3, active=False, config=None, description='Orders'):
    return dict(META, ErpConnectionId=conn_id, ErpConnectorId=connector, DisplayName=name, DisplayDescription=description, Active=active,
                ConnectionId='guid-%d' % conn_id, MostRecentTimestamp='', Deleted=False, AllAccess=True, UserGroupAccessIds=[],
                AssociateAccessIds=[], ConfigFields={} if config is None else config)


def client_guid(number=1):
    """The GUID (ConnectionId) the run's n-th create sends, as tests/unit/plugins/conftest.py makes uuid4 give it."""
    return '00000000-0000-4000-8000-%012d' % number


def listed(record):
    return dict(record, ConfigFields={})


def connector_entity(connector_id, name, url, deleted=False):
    return dict(META, ErpConnectorId=connector_id, DisplayName=name, URL=url, Deleted=deleted)


def connector_item(connector_id, name):
    return dict(Id=connector_id, Name=name, ToolTip='')


def row(field_id, key, crm='', to_crm=False, to_erp=False, gui=False, search=False, access='Normal', list_reference=''):
    """One ErpSyncFieldMapping."""
    return dict(META, ErpFieldId=field_id, CrmFieldKey=crm, CrmDisplayName='', CrmDisplayTooltip='', ErpFieldKey=key, FieldType='Text',
                ErpDisplayName=key, ErpDisplayTooltip='', SyncToCrm=to_crm, SyncToErp=to_erp, ShowInGui=gui, ShowInSearch=search,
                AlreadyMapped=False, MissingInERP=False, MissingInCRM=False, Access=access, ListReference=list_reference)


def mapping(conn_id, actor='Customer', active=False, rows=None, crm='Contact'):
    """An ErpSyncActorTypeMapping; by default Name (mandatory), Email and PriceList (a list field), nothing mapped."""
    if rows is None:
        rows = [row(101, 'Name', access='Mandatory'), row(102, 'Email'), row(103, 'PriceList', list_reference='table=category')]
    return dict(META, ErpConnectionId=conn_id, IsActive=active, FieldMappings=rows, ActorTypeErp=actor, ActorTypeCrm=crm)


def saved_mapping(sent):
    """What SaveActorTypeMapping answers: the mapping sent, with the carrier metadata."""
    answer = copy.deepcopy(sent['Mapping'])
    answer.update(META)
    answer['FieldMappings'] = [dict(META, **r) for r in answer['FieldMappings']]
    return answer


def default(field_id, key, value='', prompt=False, mandatory=False, first=''):
    return dict(META, ErpFieldId=field_id, DefaultValue=value, HasFirstSyncDefaultValue=bool(first), FirstSyncDefaultValue=first,
                PromptUser=prompt, Mandatory=mandatory, ErpFieldKey=key, FieldType='Text', ListName='', Access='Normal')


def mdo_item(item_id, name):
    return dict(META, Id=item_id, Name=name, ToolTip='', Deleted=False, Rank=item_id, Type='', ChildItems=[], IconHint='', ColorBlock=0,
                ExtraInfo='', StyleHint='', FullName=name)


def list_container(conn_id, entries):
    return dict(META, ErpConnectionId=conn_id, ErpConnectionName='Visma', ErpListItemMappings=entries)


def list_entry(field_id, erp_list, items, crm_list='Category', actor='Customer'):
    """One ErpConnectionListMapping: items is ERP item id -> CRM item (mdo_item) or None."""
    return dict(META, CrmList=mdo_item(1, crm_list) if crm_list else None, ErpListName=erp_list, ErpActorTypeName=actor, ErpFieldId=field_id,
                ErpCrmListItemMappings=[dict(META, ErpListItemId=erp_id, ErpListItemName='Item %s' % erp_id, CrmListItem=crm)
                                        for erp_id, crm in items.items()])


def plugin_response(ok=True, user='Synchronized 1 connection(s).', status='Ok', code=''):
    return dict(META, IsOk=ok, UserExplanation=user, TechExplanation='', ErrorCode=code, Status=status,
                Changes=dict(META, AddedRecords=[], DeletedRecords=[], UpdatedRecords=[]))
