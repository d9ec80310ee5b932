//go:build tools

// Package tools pins the cri-tools release that skiff's conformance harness
// uses. Nothing here is compiled: the blank imports make `go mod tidy` record
// every module that crictl and critest's test binary (cmd/critest holds only
// a _test.go file, so it cannot be imported itself) need in go.sum.
// critest/install-tools.sh builds both from this module.
package tools

import (
	_ "github.com/onsi/ginkgo/v2"
	_ "github.com/onsi/gomega"
	_ "sigs.k8s.io/cri-tools/cmd/crictl"
	_ "sigs.k8s.io/cri-tools/pkg/benchmark"
	_ "sigs.k8s.io/cri-tools/pkg/common"
	_ "sigs.k8s.io/cri-tools/pkg/framework"
	_ "sigs.k8s.io/cri-tools/pkg/validate"
	_ "sigs.k8s.io/cri-tools/pkg/version"
)
