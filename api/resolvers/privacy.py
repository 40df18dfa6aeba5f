"""Mutation.eraseCustomer and Query.auditLog: three lines each into api.privacy."""

from __future__ import annotations

from api import privacy


def erase_customer(_root, info, customerId, reason):  # noqa: N803 - the SDL's argument names
    context = info.context
    return privacy.erase_customer(context.principal, context.writeback.store.url, context.writeback.reader,
                                  customerId, reason)


def audit_log(_root, info, first=50, after=None, key=None, role=None, customer=None, action=None, **window):
    return privacy.audit_page(info.context.principal, info.context.ops, key=key, role=role, customer=customer,
                              action=action, since=window.get("from"), until=window.get("to"), first=first,
                              after=after)


RESOLVERS = {
    ("Mutation", "eraseCustomer"): erase_customer,
    ("Query", "auditLog"): audit_log,
}
