package handlers_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRequestContextPassedDown: no call in the handlers gives a *gin.Context
// where a context.Context is expected. gin's context is never cancelled when
// the client goes away; the request's own, c.Request.Context(), is, so the
// queries and transitions of a request nobody waits for stop.
func TestRequestContextPassedDown(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to read the handlers' types:", err)
	}
	out, err := exec.Command(goCmd, "list", "-export", "-deps", "-json", "./...").Output()
	if err != nil {
		t.Fatal("go list:", err)
	}
	type listed struct {
		ImportPath, Dir, Export string
		GoFiles                 []string
		DepOnly                 bool
	}
	exports := map[string]string{}
	var ours []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if !p.DepOnly {
			ours = append(ours, p)
		}
	}
	if len(ours) < 5 {
		t.Fatalf("only %d handler packages listed", len(ours))
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })
	calls := 0
	for _, p := range ours {
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
		if _, err := (&types.Config{Importer: imp}).Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sig, ok := info.Types[call.Fun].Type.(*types.Signature)
				if !ok {
					return true // a conversion or a builtin
				}
				for i, arg := range call.Args {
					if i >= sig.Params().Len() && !sig.Variadic() {
						break
					}
					param := sig.Params().At(min(i, sig.Params().Len()-1)).Type()
					if isContext(param) {
						calls++
						if isGinContext(info.Types[arg].Type) {
							t.Errorf("%s: passes the *gin.Context as a context.Context; pass c.Request.Context()", fset.Position(arg.Pos()))
						}
					}
				}
				return true
			})
		}
	}
	if calls < 50 {
		t.Fatalf("only %d calls taking a context found: the check does not see the handlers", calls)
	}
}

func isContext(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isGinContext(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "github.com/gin-gonic/gin" && n.Obj().Name() == "Context"
}
