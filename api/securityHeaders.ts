import helmet from 'helmet';

// The board and the customer page load only their own scripts and styles; nobody may frame them.
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'self'"],
      // Plain HTTP on a laptop or inside compose must keep working.
      'upgrade-insecure-requests': null,
    },
  },
  frameguard: { action: 'deny' },
});
