/** The documentation UI's own title, logo and icon (not Swagger's or Fastify's). */

export const UI_TITLE = 'modloader management API';

/** A wordmark: the product's name beside a stack of modules. */
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40" viewBox="0 0 220 40">
<g fill="#62a03f"><rect x="2" y="4" width="30" height="8" rx="2"/><rect x="2" y="16" width="30" height="8" rx="2" opacity=".8"/><rect x="2" y="28" width="30" height="8" rx="2" opacity=".6"/></g>
<text x="42" y="28" font-family="sans-serif" font-size="22" font-weight="bold" fill="#ffffff">modloader</text>
</svg>
`;

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
<g fill="#62a03f"><rect x="1" y="2" width="30" height="8" rx="2"/><rect x="1" y="12" width="30" height="8" rx="2" opacity=".8"/><rect x="1" y="22" width="30" height="8" rx="2" opacity=".6"/></g>
</svg>
`;

/** Options of @fastify/swagger-ui for the look. */
export const uiLook = {
  logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG), href: '/docs', target: '_self' as const },
  theme: {
    title: UI_TITLE,
    favicon: [{ filename: 'modloader.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(ICON_SVG) }],
  },
};
