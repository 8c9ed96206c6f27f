//go:build race

package store

// raceBuild: a race build checks unsafe pointer conversions (checkptr), and
// bbolt's conversions on a damaged page are then fatal errors no recover
// catches; production builds have no such check, where guard turns them
// into the damaged error.
const raceBuild = true
