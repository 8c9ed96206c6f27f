//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropResident is Linux-only (madvise); elsewhere the pages a transaction
// read stay resident until the kernel reclaims them.
func dropResident(*bolt.Tx) {}
