"""Identity stewardship (api.identity): the steward's mutation and the overrides in force;
Customer.identityHistory is a profile list (api.profiles)."""

from __future__ import annotations

from api import identity
from api.resolvers.customer import _list


async def set_identity_override(_root, info, idempotencyKey, input):  # noqa: A002, N803 - the SDL's names
    context = info.context
    return await identity.set_override(context.writeback, context.principal, idempotencyKey, input)


def identity_overrides(_root, info, first=100):
    return identity.overrides(info.context.ops, first)


RESOLVERS = {
    ("Mutation", "setIdentityOverride"): set_identity_override,
    ("Query", "identityOverrides"): identity_overrides,
    ("Customer", "identityHistory"): _list("identityHistory"),
}
