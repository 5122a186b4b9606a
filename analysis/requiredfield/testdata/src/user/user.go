package user

import (
	"gen/github"
	"gen/hostile"
)

type alias = github.CommitEventConfig

type mine github.CommitEventConfig

func create(any) {}

func literals() {
	// Complete: nothing to report.
	ok := github.CommitEventConfig{Owner: "o", Repo: "r", Branch: "", Window: github.Window{Start: 0}, Path: "p"}
	create(ok)
	create(&github.CommitEventConfig{Owner: "o", Repo: "r", Branch: "main", Window: github.Window{Start: 1}, Path: "p"})
	// Positional literals list every field.
	create(github.CommitEventConfig{"o", "r", "main", nil, github.Window{1, nil}, "p"})

	// The story: a required branch added upstream.
	create(github.CommitEventConfig{Owner: "octocat", Repo: "hello-world", Window: github.Window{Start: 1}, Path: "p"}) // want `^github.CommitEventConfig literal omits required field Branch \(JSON "branch"\) of trigger type GITHUB_COMMIT_EVENT$`
	create(&github.CommitEventConfig{Owner: "o", Repo: "r", Branch: "b", Window: github.Window{Start: 1}})              // want `^github.CommitEventConfig literal omits required field Path \(JSON "a/b~c"\) of trigger type GITHUB_COMMIT_EVENT$`

	// Nothing spread: one report per required field, in field order.
	create(github.CommitEventConfig{}) // want `field Owner \(JSON "owner"\)` `field Repo ` `field Branch ` `field Window ` `field Path `

	// A nested struct names the toolkit.
	create(github.CommitEventConfig{Owner: "o", Repo: "r", Branch: "b", Path: "p", Window: github.Window{End: nil}}) // want `^github.Window literal omits required field Start \(JSON "start"\) of toolkit github$`

	// Literals whose type is elided.
	create([]github.CommitEventConfig{{Owner: "o", Repo: "r", Branch: "b", Window: github.Window{}, Path: "p"}}) // want `github.Window literal omits required field Start`
	create([]*github.Window{{End: nil}})                                                                         // want `github.Window literal omits required field Start`
	create(map[string]github.Window{"w": {}})                                                                    // want `github.Window literal omits required field Start`
	create(map[github.Window]bool{{Start: 1}: true})

	// Aliases are the type; a defined type keeps the fields and their tags.
	create(alias{Owner: "o", Repo: "r", Branch: "b", Window: github.Window{Start: 1}}) // want `^github.CommitEventConfig literal omits required field Path`
	create(mine{Owner: "o", Repo: "r", Branch: "b", Path: "p"})                        // want `^user.mine literal omits required field Window \(JSON "window"\) of toolkit github$`

	// Credentials and renamed configs name the toolkit; an unexported field
	// of another package cannot be set, so it is not required of this one.
	create(github.WebhookCredentials{SigningSecret: "s"}) // want `^github.WebhookCredentials literal omits required field ClientID of toolkit github$`
	create(github.WebhookCredentials{SigningSecret: "s", ClientID: "c"})
	create(github.Push{Ref: "main"})
	create(github.Push{}) // want `^github.Push literal omits required field Ref \(JSON "ref"\) of toolkit github$`

	// Untagged structs and optional fields are not this analyzer's business.
	create(github.NoTags{})
	create(struct{ A string }{})

	// A field set after the literal is still omitted from it.
	c := github.CommitEventConfig{Owner: "o", Repo: "r", Window: github.Window{Start: 1}, Path: "p"} // want `field Branch`
	c.Branch = "main"
	create(c)
}

// A tagged struct declared in a user package is checked too; without the
// package constants the message names no trigger type.
type local struct {
	ID string `json:"id" triggergen:"required"`
}

var _ = local{} // want `^user.local literal omits required field ID \(JSON "id"\)$`

// Names from a hostile lock come out quoted: go vet prints messages as is.
var _ = hostile.OddConfig{Nested: hostile.Nested{}} // want `^hostile.OddConfig literal omits required field Name \(JSON "name"\) of trigger type "ODD\\x1b\[31m"$` `^hostile.Nested literal omits required field X \(JSON "x"\) of toolkit "evil\\u202etoolkit"$`

var _ = hostile.OddConfig{Name: "n"} // want `^hostile.OddConfig literal omits required field Nested \(JSON "n\\u202ested"\) of trigger type "ODD\\x1b\[31m"$`
