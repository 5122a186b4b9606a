package github

// A file without triggergen's header is checked, even in a generated package.
func defaultPush() Push {
	return Push{Ref: "main"} // want `github.Push literal omits required field secret of toolkit github`
}
