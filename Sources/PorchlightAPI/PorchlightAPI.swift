// This target holds only the code swift-openapi-generator makes from openapi.yaml (see the config beside it).
