// The gateway's /openapi.json, built in this process with every part of the API switched on, so
// the generated client knows every operation (services/gateway/src/documents.ts).
export { gatewayOpenApiDocument } from '../../../services/gateway/src/documents';
