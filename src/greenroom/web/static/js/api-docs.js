// @ts-check
/** Renders the OpenAPI reference with Swagger UI served from our own origin. */
window.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  if (!target) return;
  // @ts-ignore -- SwaggerUIBundle is a global from the vendored bundle.
  window.SwaggerUIBundle({ url: target.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true });
});
