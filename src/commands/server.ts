/** Handlers for this command group register themselves on import (see registry.ts). */
export {};
