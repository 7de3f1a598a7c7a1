// Starts Swagger UI on this server's spec. Relative URLs, so /docs also works behind a path prefix.
// No validator badge (it would call an outside service) and no stored authorization (the key
// stays in this page's memory only).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    validatorUrl: null,
    persistAuthorization: false,
  });
});
