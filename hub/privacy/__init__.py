"""Privacy (PIPL) kernel: the erasure tombstone and the store scanner (docs/privacy.md).

The erasure itself touches every layer and is wired together by orchestration.lib.privacy;
what lives here is what the API, ingestion and the commands all need: the tombstone in the
ops store (HMAC digests of an erased person's identifiers, never the identifiers) and the
scan that looks for such identifiers in every store and file.
"""

from hub.privacy.tombstone import Identifiers, Tombstone, digest, tombstone_key

__all__ = ["Identifiers", "Tombstone", "digest", "tombstone_key"]
