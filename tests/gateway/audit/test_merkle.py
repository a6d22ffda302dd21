"""RFC 6962 Merkle tree against the published test vectors, and verifiers that refuse doctored proofs."""

from __future__ import annotations

import itertools

import pytest

from gateway.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)

# transparency-dev/merkle testonly constants (from the certificate-transparency C++ tests)
LEAF_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [leaf_hash(d) for d in LEAF_INPUTS]


@pytest.mark.parametrize("size", range(9))
def test_tree_hash_matches_the_published_roots(size: int) -> None:
    assert tree_hash(LEAVES[:size]).hex() == ROOTS[size]


def test_compact_range_reproduces_every_root_as_leaves_arrive() -> None:
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT
    for size, leaf in enumerate(LEAVES, start=1):
        compact.append(leaf)
        assert compact.root().hex() == ROOTS[size]


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 16, 17, 31])
def test_every_inclusion_proof_verifies(size: int) -> None:
    leaves = _leaves(size)
    root = tree_hash(leaves)
    for index in range(size):
        verify_inclusion(index, size, leaves[index], inclusion_proof(leaves, index), root)


def test_every_consistency_proof_verifies() -> None:
    leaves = _leaves(20)
    for first, second in itertools.combinations_with_replacement(range(21), 2):
        proof = consistency_proof(leaves[:second], first)
        verify_consistency(first, second, tree_hash(leaves[:first]), tree_hash(leaves[:second]), proof)


def test_known_consistency_proof_between_published_roots() -> None:
    proof = consistency_proof(LEAVES, 3)
    verify_consistency(3, 8, bytes.fromhex(ROOTS[3]), bytes.fromhex(ROOTS[8]), proof)
    assert len(proof) == 4


# ------------------------------------------------------------------------------------ adversarial inclusion

LEAVES_13 = _leaves(13)
ROOT_13 = tree_hash(LEAVES_13)
PROOF_5 = inclusion_proof(LEAVES_13, 5)


def _rejects_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes = ROOT_13) -> None:
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf, proof, root)


def test_inclusion_rejects_a_wrong_size() -> None:
    # sizes whose tree has another shape; a size with the same shape is bound by the signed (size, root) pair
    for size in (4, 5, 6, 8, 17, 32):
        _rejects_inclusion(5, size, LEAVES_13[5], PROOF_5)


def test_inclusion_rejects_an_over_long_path() -> None:
    _rejects_inclusion(5, 13, LEAVES_13[5], [*PROOF_5, LEAVES_13[0]])


def test_inclusion_rejects_a_truncated_path() -> None:
    _rejects_inclusion(5, 13, LEAVES_13[5], PROOF_5[:-1])
    _rejects_inclusion(5, 13, LEAVES_13[5], [])


def test_inclusion_rejects_swapped_siblings() -> None:
    swapped = [PROOF_5[1], PROOF_5[0], *PROOF_5[2:]]
    _rejects_inclusion(5, 13, LEAVES_13[5], swapped)


def test_inclusion_rejects_another_leaf_index_or_root() -> None:
    _rejects_inclusion(4, 13, LEAVES_13[5], PROOF_5)
    _rejects_inclusion(5, 13, LEAVES_13[6], PROOF_5)
    _rejects_inclusion(5, 13, LEAVES_13[5], PROOF_5, root=tree_hash(LEAVES_13[:12]))
    _rejects_inclusion(13, 13, LEAVES_13[5], PROOF_5)
    _rejects_inclusion(-1, 13, LEAVES_13[5], PROOF_5)


def test_inclusion_rejects_a_flipped_bit_anywhere_in_the_path() -> None:
    for i in range(len(PROOF_5)):
        bad = list(PROOF_5)
        bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
        _rejects_inclusion(5, 13, LEAVES_13[5], bad)


# ---------------------------------------------------------------------------------- adversarial consistency

R6, R13 = tree_hash(LEAVES_13[:6]), ROOT_13
CONS = consistency_proof(LEAVES_13, 6)


def _rejects_consistency(first: int, second: int, r1: bytes, r2: bytes, proof: list[bytes]) -> None:
    with pytest.raises(ProofError):
        verify_consistency(first, second, r1, r2, proof)


def test_consistency_accepts_the_honest_proof() -> None:
    verify_consistency(6, 13, R6, R13, CONS)


def test_consistency_rejects_wrong_sizes() -> None:
    for first, second in ((5, 13), (7, 13), (4, 13), (6, 8), (6, 17), (2, 13)):
        _rejects_consistency(first, second, R6, R13, CONS)


def test_consistency_rejects_first_greater_than_second() -> None:
    _rejects_consistency(13, 6, R13, R6, CONS)


def test_consistency_rejects_an_over_long_path() -> None:
    _rejects_consistency(6, 13, R6, R13, [*CONS, CONS[0]])


def test_consistency_rejects_a_truncated_or_empty_path() -> None:
    _rejects_consistency(6, 13, R6, R13, CONS[:-1])
    _rejects_consistency(6, 13, R6, R13, [])


def test_consistency_rejects_swapped_siblings() -> None:
    _rejects_consistency(6, 13, R6, R13, [CONS[1], CONS[0], *CONS[2:]])


def test_consistency_rejects_a_forked_history() -> None:
    forked = [*LEAVES_13[:5], leaf_hash(b"forged"), *LEAVES_13[6:]]
    _rejects_consistency(6, 13, tree_hash(forked[:6]), R13, consistency_proof(forked, 6))
    _rejects_consistency(6, 13, R6, tree_hash(forked), CONS)


def test_consistency_between_equal_sizes_needs_equal_roots_and_no_path() -> None:
    verify_consistency(6, 6, R6, R6, [])
    _rejects_consistency(6, 6, R6, R13, [])
    _rejects_consistency(6, 6, R6, R6, [R6])


def test_consistency_from_a_power_of_two_size() -> None:
    proof = consistency_proof(LEAVES_13, 8)
    verify_consistency(8, 13, tree_hash(LEAVES_13[:8]), R13, proof)
    _rejects_consistency(8, 13, tree_hash(LEAVES_13[:8]), R13, [R13, *proof])
