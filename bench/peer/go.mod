module github.com/triggergen/triggergen/bench/peer

go 1.26.0

require (
	github.com/atombender/go-jsonschema v0.24.1
	github.com/triggergen/triggergen v0.0.0
)

require (
	dario.cat/mergo v1.0.2 // indirect
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/goccy/go-yaml v1.19.2 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	github.com/sanity-io/litter v1.5.8 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/sosodev/duration v1.4.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)

replace github.com/triggergen/triggergen => ../..
