// Command triggergen-example is what a triggergen user writes: it creates a
// GitHub commit trigger from the generated, typed config and serves a
// verified webhook handler that receives the trigger's events as typed
// payloads.
//
// The packages under composiotriggers/ are generated from
// triggergen.lock.json, as configured in triggergen.yaml:
//
//	go generate ./...
//
// Run it with:
//
//	COMPOSIO_API_KEY=… COMPOSIO_WEBHOOK_SECRET=… COMPOSIO_USER_ID=… \
//	  go run . -owner octocat -repo Hello-World -addr :8080
package main

//go:generate go tool triggergen generate
