// Package sources gets items from the outside: HTTP fetching, feed parsing,
// page extraction, change mode, autodiscovery and URL canonicalisation. It
// keeps no state between calls: state comes in with each call and the new
// state goes out; the watcher stores it. The types it speaks (Source,
// SourceState, FetchResult) live in signals, so the watcher needs only those.
package sources
