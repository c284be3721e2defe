package emulator

// The pinned emulator versions: the one place to change them. A binary or
// package installed at another version is reinstalled on next use.
const (
	minioModule    = "github.com/minio/minio"
	minioVersion   = "v0.0.0-20260212201848-7aac2a2c5b7c"
	fakeGCSModule  = "github.com/fsouza/fake-gcs-server"
	fakeGCSVersion = "v1.56.1"
	azuritePackage = "azurite"
	azuriteVersion = "3.35.0"
)

// The tools the harness installs, by name.
var (
	minioTool   = goTool{name: "minio", bin: "minio", module: minioModule, pkg: minioModule, version: minioVersion}
	fakeGCSTool = goTool{name: "fake-gcs-server", bin: "fake-gcs-server", module: fakeGCSModule, pkg: fakeGCSModule, version: fakeGCSVersion}
	azuriteTool = npmTool{name: "azurite", pkg: azuritePackage, version: azuriteVersion}
)

func allTools() []tool { return []tool{minioTool, fakeGCSTool, azuriteTool} }
