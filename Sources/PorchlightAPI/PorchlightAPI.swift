// This target holds only the code swift-openapi-generator makes from openapi.yaml (see the config beside it):
// the types and server protocol the service implements, and the client that API users would generate,
// built here so that a spec change that breaks client generation fails the build.
