// Generated from the gateway's /openapi.json by libs/client/scripts/generate.ts: do not edit.
// Regenerate with `npm run generate -w libs/client` after changing a route's schema.
export interface paths {
  '/api/chat/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint an IVS Chat token for a room */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            roomIdentifier: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              sessionExpirationTime: string;
              token: string;
              /** Format: date-time */
              tokenExpirationTime: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description User not authenticated (also in `message`, as that seed's clients read it) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description You are banned or timed out in this room */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness, as the seed answered it */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: string;
              timestamp: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/room/{roomId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A room */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              createdBy: string;
              description: string;
              maxParticipants: number;
              roomId: string;
              roomTopic: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Room not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/room/create': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a room (streamers, moderators, admins) and a token for its creator */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            description?: string;
            /** @description 1 to 10000 (default 20) */
            maxParticipants?: number;
            roomTopic?: string;
            /** @description the participant's display name (an admin's is the identity; anyone else's identity is their user id) */
            userName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              description: string;
              livekitUrl: string;
              maxParticipants: number;
              roomId: string;
              roomTopic: string;
              roomUrl: string;
              token: string;
              userName: string;
            };
          };
        };
        /** @description userName is required, maxParticipants is out of range, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Only streamer, moderator and admin roles create rooms */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description LiveKit is not configured in the gateway */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/room/join': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A token to join a room (identity = the caller; grants by role, as on /v1) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description our room id, or LiveKit's sid */
            roomId?: string;
            /** @description the participant's display name (an admin's is the identity; anyone else's identity is their user id) */
            userName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              url: string;
            };
          };
        };
        /** @description roomId and userName are required, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Another identity than your own: the room's owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Room not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description LiveKit is not configured in the gateway */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/rooms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every active room */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              rooms: {
                createdAt: string;
                createdBy: string;
                description: string;
                maxParticipants: number;
                roomId: string;
                roomTopic: string;
              }[];
              total: number;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Same as /api/room/join */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description our room id, or LiveKit's sid */
            roomId?: string;
            /** @description the participant's display name (an admin's is the identity; anyone else's identity is their user id) */
            userName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              url: string;
            };
          };
        };
        /** @description roomId and userName are required, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Another identity than your own: the room's owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Room not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
        /** @description LiveKit is not configured in the gateway */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: string;
              message: string;
              statusCode: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/recordings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Finished recordings; roomName / roomId filters */
    get: {
      parameters: {
        query?: {
          /** @description LiveKit's room sid, or our room id */
          roomId?: string;
          /** @description LiveKit room name */
          roomName?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              recordings: {
                /** @description LiveKit's egress id */
                id: string;
                name: string;
                /** @description LiveKit's room sid */
                roomId: string;
                roomName: string;
                /** @description bytes */
                size: number;
                /** @description ms */
                startedAt: number;
              }[];
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/recordings/{recordingName}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The MP4, with Range
     * @description With a bearer token, or as the signed `seed001Url` of GET /v1/recordings/{recordingId}/media-url.
     */
    get: {
      parameters: {
        query?: {
          /** @description Signed URL: when it stops working (unix seconds) */
          expires?: string;
          /** @description Signed URL: HMAC of the path and expires; stands in for the bearer token */
          signature?: string;
        };
        header?: {
          /** @description An ETag: 304 when it still matches */
          'if-none-match'?: string;
          /** @description An ETag or HTTP date: the Range applies only while it matches */
          'if-range'?: string;
          /** @description `bytes=start-end`, `bytes=start-` or `bytes=-suffix`: one range */
          range?: string;
        };
        path: {
          recordingName: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The whole MP4 (HEAD: its headers only) */
        200: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description One byte range of the MP4 (`Range: bytes=start-end`; an If-Range that no longer matches gets 200) */
        206: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description `bytes start-end/size` */
            'Content-Range'?: string;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description Not Modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token (or one that is invalid or expired), and no signed URL, or one that expired or does not match the path */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Recording not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The recording is not ready to play yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Range Not Satisfiable: the Range is outside the file (Content-Range: bytes *\/size says its length) */
        416: {
          headers: {
            /** @description `bytes *\/<size>`: the length of the file */
            'Content-Range'?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete file and metadata (the room's owner, who started it, or an admin) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingName: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              message: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The room's owner, who started the recording, or an admin only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Recording not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The recording is still recording */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    options?: never;
    /**
     * The MP4, with Range
     * @description With a bearer token, or as the signed `seed001Url` of GET /v1/recordings/{recordingId}/media-url.
     */
    head: {
      parameters: {
        query?: {
          /** @description Signed URL: when it stops working (unix seconds) */
          expires?: string;
          /** @description Signed URL: HMAC of the path and expires; stands in for the bearer token */
          signature?: string;
        };
        header?: {
          /** @description An ETag: 304 when it still matches */
          'if-none-match'?: string;
          /** @description An ETag or HTTP date: the Range applies only while it matches */
          'if-range'?: string;
          /** @description `bytes=start-end`, `bytes=start-` or `bytes=-suffix`: one range */
          range?: string;
        };
        path: {
          recordingName: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The whole MP4 (HEAD: its headers only) */
        200: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description One byte range of the MP4 (`Range: bytes=start-end`; an If-Range that no longer matches gets 200) */
        206: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description `bytes start-end/size` */
            'Content-Range'?: string;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description Not Modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token (or one that is invalid or expired), and no signed URL, or one that expired or does not match the path */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Recording not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The recording is not ready to play yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Range Not Satisfiable: the Range is outside the file (Content-Range: bytes *\/size says its length) */
        416: {
          headers: {
            /** @description `bytes *\/<size>`: the length of the file */
            'Content-Range'?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    patch?: never;
    trace?: never;
  };
  '/recordings/start': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start recording a room (who may publish there; 409 if it is being recorded) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description LiveKit room name */
            roomName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              message: string;
              recording: {
                name: string;
                /** @description ms */
                startedAt: number;
              };
            };
          };
        };
        /** @description roomName is required, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Only those who may publish in the room */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Room not found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The room is already being recorded */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/recordings/stop': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop recording a room (the room's owner, who started it, or an admin; 409 if it is not) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description LiveKit room name */
            roomName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              message: string;
              recording: {
                name: string;
                /** @description bytes (0 until the file is uploaded) */
                size: number;
                /** @description ms */
                startedAt: number;
              };
            };
          };
        };
        /** @description roomName is required, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The room's owner, who started the recording, or an admin only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The room is not being recorded */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The room is not being recorded */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an IVS stream and its chat room (waits until both exist) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            title: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              chat: {
                chatRoomArn: string;
                chatRoomId: string;
              };
              stream: {
                playbackUrl: string;
                rtmpUrl: string;
                streamId: string;
                streamKey: string;
                title: string;
              };
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Only streamer, moderator and admin roles create streams */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description PROVISIONING_FAILED: the stream could not be created (the reason is in the detail) */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream is still being created: GET /stream/{streamId} shortly */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/stream/{streamId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get an IVS stream with its chat room */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channelArn: string;
              chatRoomArn: string;
              chatRoomId: string;
              streamId: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a stream and its chat room */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              message: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/stream/{streamId}/stop': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop a live stream */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              message: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream is not live */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A token to join a room (identity = the caller; grants by role, as on /v1) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description the participant's display name (an admin's is the identity; anyone else's identity is their user id) */
            participantName?: string;
            /** @description LiveKit room name */
            roomName?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
            };
          };
        };
        /** @description roomName and participantName are required, or a field fails its schema */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
        /** @description LiveKit is not configured in the gateway */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorMessage: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/dead-letters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every dead-letter queue with its count, and its dead letters (reading consumes none) */
    get: {
      parameters: {
        query?: {
          limit?: number;
          /** @description A source queue as the list names it (`queue`); the namespace prefix may be left out */
          queue?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                attempts: number | null;
                deadLetterQueue: string;
                /** @description The last error */
                error: string;
                firstFailedAt: string | null;
                id: string;
                lastFailedAt: string | null;
                /** @description The CloudEvent, or the raw text when it is not JSON */
                message: unknown;
                /** @description The queue it came from; a replay delivers it there */
                queue: string;
                /** @description `failed` (every attempt failed), `invalid` (against its contract), `delivery-limit` (moved by the broker) */
                reason: string;
                /** @description The message type; null when not JSON */
                type: string | null;
              }[];
              queues: {
                /** @description Dead letters in it now (SQS: approximate) */
                count: number;
                deadLetterQueue: string;
                queue: string;
              }[];
              /** @description More dead letters exist than `limit` allowed */
              truncated: boolean;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No dead-letter queue for that queue in this namespace */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete every dead letter of one queue */
    delete: {
      parameters: {
        query: {
          /** @description A source queue as the list names it (`queue`); the namespace prefix may be left out */
          queue: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              purged: number;
              queue: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No dead-letter queue for that queue in this namespace */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Purged less than a minute ago (SQS), or another dead-letter operation is running */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/dead-letters/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One dead letter, with its message */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description `<dead-letter queue>~<message key>`, as the list gives it */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              attempts: number | null;
              deadLetterQueue: string;
              /** @description The last error */
              error: string;
              firstFailedAt: string | null;
              id: string;
              lastFailedAt: string | null;
              /** @description The CloudEvent, or the raw text when it is not JSON */
              message: unknown;
              /** @description The queue it came from; a replay delivers it there */
              queue: string;
              /** @description `failed` (every attempt failed), `invalid` (against its contract), `delivery-limit` (moved by the broker) */
              reason: string;
              /** @description The message type; null when not JSON */
              type: string | null;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such dead letter (replayed or purged already?) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/dead-letters/{id}/replay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Deliver a dead letter to its queue again (attempts start over), then remove it */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description `<dead-letter queue>~<message key>`, as the list gives it */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** DeadLetter */
              replayed: {
                attempts: number | null;
                deadLetterQueue: string;
                /** @description The last error */
                error: string;
                firstFailedAt: string | null;
                id: string;
                lastFailedAt: string | null;
                /** @description The CloudEvent, or the raw text when it is not JSON */
                message: unknown;
                /** @description The queue it came from; a replay delivers it there */
                queue: string;
                /** @description `failed` (every attempt failed), `invalid` (against its contract), `delivery-limit` (moved by the broker) */
                reason: string;
                /** @description The message type; null when not JSON */
                type: string | null;
              };
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such dead letter (replayed or purged already?) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Its source queue no longer exists, or another dead-letter operation is running */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/dead-letters/replay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replay every dead letter of one queue, or of every queue */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Every queue when `queue` is left out */
      requestBody?: {
        content: {
          'application/json': {
            /** @description A source queue as the list names it (`queue`); the namespace prefix may be left out */
            queue?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              replayed: number;
              /** @description Dead letters left in place, with why */
              skipped: {
                id: string;
                queue: string;
                reason: string;
              }[];
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No dead-letter queue for that queue in this namespace */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Another dead-letter operation is running */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's chat rooms, newest first */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                arn?: string;
                /** Format: date-time */
                createdAt: string;
                lastSeq: number;
                name: string;
                ownerId: string;
                provider: 'ivs' | 'native';
                roomId: string;
                settings: {
                  maximumMessageLength: number;
                  maximumMessageRatePerSecond: number;
                  moderation: {
                    fallbackResult: 'ALLOW' | 'DENY';
                    reviewHandlerArn?: string;
                    /** Format: uri */
                    reviewWebhookUrl?: string;
                    wordFilter: string[];
                  };
                  slowModeSeconds: number;
                };
                streamId?: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor?: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Create a chat room */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            provider?: 'ivs' | 'native';
            settings?: {
              maximumMessageLength?: number;
              maximumMessageRatePerSecond?: number;
              moderation?: {
                fallbackResult: 'ALLOW' | 'DENY';
                reviewHandlerArn?: string;
                /** Format: uri */
                reviewWebhookUrl?: string;
                wordFilter: string[];
              };
              slowModeSeconds?: number;
            };
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              arn?: string;
              /** Format: date-time */
              createdAt: string;
              lastSeq: number;
              name: string;
              ownerId: string;
              provider: 'ivs' | 'native';
              roomId: string;
              settings: {
                maximumMessageLength: number;
                maximumMessageRatePerSecond: number;
                moderation: {
                  fallbackResult: 'ALLOW' | 'DENY';
                  reviewHandlerArn?: string;
                  /** Format: uri */
                  reviewWebhookUrl?: string;
                  wordFilter: string[];
                };
                slowModeSeconds: number;
              };
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Only streamer, moderator and admin roles create chat rooms (and only they may set a review webhook) */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a chat room */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              arn?: string;
              /** Format: date-time */
              createdAt: string;
              lastSeq: number;
              name: string;
              ownerId: string;
              provider: 'ivs' | 'native';
              roomId: string;
              settings: {
                maximumMessageLength: number;
                maximumMessageRatePerSecond: number;
                moderation: {
                  fallbackResult: 'ALLOW' | 'DENY';
                  reviewHandlerArn?: string;
                  /** Format: uri */
                  reviewWebhookUrl?: string;
                  wordFilter: string[];
                };
                slowModeSeconds: number;
              };
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a chat room */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The chat room belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The room is a stream's chat room: delete the stream instead */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change a chat room name or settings */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            name?: string;
            settings?: {
              maximumMessageLength?: number;
              maximumMessageRatePerSecond?: number;
              moderation?: {
                fallbackResult: 'ALLOW' | 'DENY';
                reviewHandlerArn?: string;
                /** Format: uri */
                reviewWebhookUrl?: string;
                wordFilter: string[];
              };
              slowModeSeconds?: number;
            };
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              arn?: string;
              /** Format: date-time */
              createdAt: string;
              lastSeq: number;
              name: string;
              ownerId: string;
              provider: 'ivs' | 'native';
              roomId: string;
              settings: {
                maximumMessageLength: number;
                maximumMessageRatePerSecond: number;
                moderation: {
                  fallbackResult: 'ALLOW' | 'DENY';
                  reviewHandlerArn?: string;
                  /** Format: uri */
                  reviewWebhookUrl?: string;
                  wordFilter: string[];
                };
                slowModeSeconds: number;
              };
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The chat room belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/bans': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ban a user from a native room, or time them out with `until` */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            reason?: string;
            /** Format: date-time */
            until?: string;
            userId: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Banned (or timed out) */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Moderators, the room's owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/bans/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Lift a ban or timeout */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
          userId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Lifted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Moderators, the room's owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/disconnections': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disconnect a user's connections from a room (moderators; IVS Chat rooms) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            reason?: string;
            userId: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Disconnected */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Moderators, the room owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a custom event to everyone in a room (moderators; IVS Chat rooms) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            attributes?: {
              [key: string]: string;
            };
            eventName: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              eventId: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Moderators, the room owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/messages': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Message history of a native chat room, paged by sequence number */
    get: {
      parameters: {
        query?: {
          /** @description Return messages with seq greater than this */
          after?: number;
          limit?: number;
        };
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              hasMore: boolean;
              messages: {
                attributes?: {
                  [key: string]: string;
                };
                content: string;
                messageId: string;
                requestId: string;
                roomId: string;
                sender: {
                  attributes?: {
                    [key: string]: string;
                  };
                  role?: 'viewer' | 'streamer' | 'moderator' | 'admin';
                  userId: string;
                };
                /** Format: date-time */
                sendTime: string;
                seq: number;
              }[];
              /** @description The `after` of the next page */
              nextAfter: number;
              roomId: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description You are banned or timed out in this room */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No chat room with this id */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/messages/{messageId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a message (moderators; IVS Chat rooms) */
    delete: {
      parameters: {
        query?: {
          reason?: string;
        };
        header?: never;
        path: {
          messageId: string;
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Moderators, the room owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room or message */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/rooms/{roomId}/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint a chat token (capabilities follow your role; IVS Chat rooms) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            attributes?: {
              [key: string]: string;
            };
            displayName?: string;
            sessionDurationInMinutes?: number;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              capabilities: ('SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER')[];
              roomId: string;
              /** Format: date-time */
              sessionExpirationTime: string;
              token: string;
              /** Format: date-time */
              tokenExpirationTime: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description You are banned or timed out in this room */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such chat room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/dev/streams/{streamId}/broadcast': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Simulate an encoder on the stream's IVS channel: start, end or fail (development only)
     * @description Development only: DEV_ROUTES=true with the local JWT_SECRET (npm start). The IVS stand-in emits the state change through EventBridge, as IVS does; the stream's status follows within a second or two.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            action: 'start' | 'end' | 'fail';
            /** @description fail: why */
            reason?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stand-in has emitted the event */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream's owner or an admin only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream has no channel yet, or the channel is already live (start) or not live (end) */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No IVS stand-in configured (AWS_ENDPOINT_URL_IVS) */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The IVS stand-in failed */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/dev/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A bearer token for any user and roles (development only)
     * @description Development only: DEV_ROUTES=true with the local JWT_SECRET (npm start). The console signs in with it.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            roles: ('viewer' | 'streamer' | 'moderator' | 'admin')[];
            /**
             * @description Lifetime (12 h at most)
             * @default 720
             */
            ttlMinutes?: number;
            userId: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              expiresAt: string;
              /** @description The IVS Chat stand-in's messaging WebSocket (regionOrUrl of IVS Chat rooms) */
              ivsChatUrl?: string;
              roles: ('viewer' | 'streamer' | 'moderator' | 'admin')[];
              /** @description HS256 bearer token signed with the local JWT_SECRET */
              token: string;
              userId: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List recordings, newest first */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
          /** @description our room id */
          roomId?: string;
          roomName?: string;
          status?: 'starting' | 'recording' | 'stopping' | 'ready' | 'failed';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: date-time */
                createdAt: string;
                durationMs?: number;
                egressId?: string;
                /** Format: date-time */
                endedAt?: string;
                error?: string;
                fileName: string;
                ownerId?: string;
                recordingId: string;
                roomId?: string;
                roomName?: string;
                roomOwnerId?: string;
                roomSid?: string;
                s3Bucket: string;
                s3Key: string;
                s3Prefix?: string;
                size?: number;
                source: 'livekit' | 'ivs';
                /** Format: date-time */
                startedAt?: string;
                status: 'starting' | 'recording' | 'stopping' | 'ready' | 'failed';
                streamId?: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor?: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Start recording a room (who may publish there: owner, streamers, moderators, admins; 409 when it is already being recorded) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description our room id = LiveKit room name (or a LiveKit room onair does not know) */
            roomId: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              createdAt: string;
              durationMs?: number;
              egressId?: string;
              /** Format: date-time */
              endedAt?: string;
              error?: string;
              fileName: string;
              ownerId?: string;
              recordingId: string;
              roomId?: string;
              roomName?: string;
              roomOwnerId?: string;
              roomSid?: string;
              s3Bucket: string;
              s3Key: string;
              s3Prefix?: string;
              size?: number;
              source: 'livekit' | 'ivs';
              /** Format: date-time */
              startedAt?: string;
              status: 'starting' | 'recording' | 'stopping' | 'ready' | 'failed';
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Only those who may publish in the room (owner, streamers, moderators, admins) */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The room is already being recorded */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recordingId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a recording */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              createdAt: string;
              durationMs?: number;
              egressId?: string;
              /** Format: date-time */
              endedAt?: string;
              error?: string;
              fileName: string;
              ownerId?: string;
              recordingId: string;
              roomId?: string;
              roomName?: string;
              roomOwnerId?: string;
              roomSid?: string;
              s3Bucket: string;
              s3Key: string;
              s3Prefix?: string;
              size?: number;
              source: 'livekit' | 'ivs';
              /** Format: date-time */
              startedAt?: string;
              status: 'starting' | 'recording' | 'stopping' | 'ready' | 'failed';
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a recording: file and metadata (the room's owner, who started it, or an admin; 409 while recording) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The room's owner, who started the recording, or an admin only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is still recording */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recordingId}/download-url': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A presigned S3 URL to play or download the MP4 without a bearer token */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              expiresAt: string;
              url: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is not ready yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description An IVS recording (HLS): not served through onair yet */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description STORAGE_UNAVAILABLE: the URL could not be signed */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recordingId}/media': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The MP4, with Range (206), HEAD, ETag and Last-Modified
     * @description With a bearer token, or as the signed URL GET /v1/recordings/{recordingId}/media-url answers (for `<video src>`, which cannot send a header).
     */
    get: {
      parameters: {
        query?: {
          /** @description Signed URL: when it stops working (unix seconds) */
          expires?: string;
          /** @description Signed URL: HMAC of the path and expires; stands in for the bearer token */
          signature?: string;
        };
        header?: {
          /** @description An ETag: 304 when it still matches */
          'if-none-match'?: string;
          /** @description An ETag or HTTP date: the Range applies only while it matches */
          'if-range'?: string;
          /** @description `bytes=start-end`, `bytes=start-` or `bytes=-suffix`: one range */
          range?: string;
        };
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The whole MP4 (HEAD: its headers only) */
        200: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description One byte range of the MP4 (`Range: bytes=start-end`; an If-Range that no longer matches gets 200) */
        206: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description `bytes start-end/size` */
            'Content-Range'?: string;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description Not Modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token (or one that is invalid or expired), and no signed URL, or one that expired or does not match the path */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is not ready to play yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Range Not Satisfiable: the Range is outside the file (Content-Range: bytes *\/size says its length) */
        416: {
          headers: {
            /** @description `bytes *\/<size>`: the length of the file */
            'Content-Range'?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description An IVS recording (HLS): playing it through onair is not built yet */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    /**
     * The MP4, with Range (206), HEAD, ETag and Last-Modified
     * @description With a bearer token, or as the signed URL GET /v1/recordings/{recordingId}/media-url answers (for `<video src>`, which cannot send a header).
     */
    head: {
      parameters: {
        query?: {
          /** @description Signed URL: when it stops working (unix seconds) */
          expires?: string;
          /** @description Signed URL: HMAC of the path and expires; stands in for the bearer token */
          signature?: string;
        };
        header?: {
          /** @description An ETag: 304 when it still matches */
          'if-none-match'?: string;
          /** @description An ETag or HTTP date: the Range applies only while it matches */
          'if-range'?: string;
          /** @description `bytes=start-end`, `bytes=start-` or `bytes=-suffix`: one range */
          range?: string;
        };
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The whole MP4 (HEAD: its headers only) */
        200: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description One byte range of the MP4 (`Range: bytes=start-end`; an If-Range that no longer matches gets 200) */
        206: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description Bytes in this answer */
            'Content-Length'?: number;
            /** @description `bytes start-end/size` */
            'Content-Range'?: string;
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            /** @description When the file was written (HTTP date) */
            'Last-Modified'?: string;
            [name: string]: unknown;
          };
          content: {
            'video/mp4': string;
          };
        };
        /** @description Not Modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Byte ranges are served */
            'Accept-Ranges'?: 'bytes';
            /** @description S3's entity tag (send it as If-None-Match or If-Range) */
            ETag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token (or one that is invalid or expired), and no signed URL, or one that expired or does not match the path */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is not ready to play yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Range Not Satisfiable: the Range is outside the file (Content-Range: bytes *\/size says its length) */
        416: {
          headers: {
            /** @description `bytes *\/<size>`: the length of the file */
            'Content-Range'?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description An IVS recording (HLS): playing it through onair is not built yet */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recordingId}/media-url': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Signed URLs of the media routes, for `<video src>` (no bearer token needed until they expire)
     * @description Both URLs are paths on this gateway (resolve them against its URL) that carry `expires` and `signature`; they serve GET and HEAD with Range. Lifetime: RECORDING_URL_TTL.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              expiresAt: string;
              /** @description Seed 001's /recordings/{fileName}, signed the same way */
              seed001Url: string;
              /** @description /v1/recordings/{recordingId}/media?expires=…&signature=… */
              url: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is not ready yet */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description An IVS recording (HLS), or signed URLs are off (set MEDIA_URL_SECRET or JWT_SECRET) */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recordingId}/stop': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop a recording (the room's owner, who started it, or an admin; 409 when it is not recording) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          recordingId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              createdAt: string;
              durationMs?: number;
              egressId?: string;
              /** Format: date-time */
              endedAt?: string;
              error?: string;
              fileName: string;
              ownerId?: string;
              recordingId: string;
              roomId?: string;
              roomName?: string;
              roomOwnerId?: string;
              roomSid?: string;
              s3Bucket: string;
              s3Key: string;
              s3Prefix?: string;
              size?: number;
              source: 'livekit' | 'ivs';
              /** Format: date-time */
              startedAt?: string;
              status: 'starting' | 'recording' | 'stopping' | 'ready' | 'failed';
              streamId?: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The room's owner, who started the recording, or an admin only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such recording */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The recording is not recording */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/rooms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List LiveKit rooms */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
          status?: 'active' | 'finished';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** Format: date-time */
                createdAt: string;
                createdBy?: string;
                description: string;
                emptyTimeout: number;
                livekitName: string;
                maxParticipants: number;
                metadata: string;
                ownerId: string;
                participantCount: number;
                roomId: string;
                sid?: string;
                status: 'active' | 'finished' | 'deleted';
                topic: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor?: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /** Create a LiveKit room (streamers, moderators, admins) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            description?: string;
            /** @description seconds (up to 7 days) */
            emptyTimeout?: number;
            maxParticipants?: number;
            metadata?: string;
            topic?: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              createdAt: string;
              createdBy?: string;
              description: string;
              emptyTimeout: number;
              livekitName: string;
              maxParticipants: number;
              metadata: string;
              ownerId: string;
              participantCount: number;
              roomId: string;
              sid?: string;
              status: 'active' | 'finished' | 'deleted';
              topic: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Only streamer, moderator and admin roles create rooms */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/rooms/{roomId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a LiveKit room */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** Format: date-time */
              createdAt: string;
              createdBy?: string;
              description: string;
              emptyTimeout: number;
              livekitName: string;
              maxParticipants: number;
              metadata: string;
              ownerId: string;
              participantCount: number;
              roomId: string;
              sid?: string;
              status: 'active' | 'finished' | 'deleted';
              topic: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a LiveKit room (owner or admin) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The room belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/rooms/{roomId}/participants': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List who is in a LiveKit room now
     * @description One entry per identity, kept current by LiveKit's webhooks (a second session of an identity replaces the first).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                identity: string;
                /** Format: date-time */
                joinedAt?: string;
                name?: string;
                sid: string;
              }[];
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/rooms/{roomId}/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint a LiveKit join token (grants by role: a viewer only subscribes) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          roomId: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            /** @description another identity than yours: owner and admins only */
            identity?: string;
            metadata?: string;
            name?: string;
            role?: 'viewer' | 'publisher';
            ttlSeconds?: number;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              expiresAt: string;
              grants: {
                canPublish: boolean;
                canPublishData: boolean;
                canSubscribe: boolean;
                room: string;
                roomJoin: boolean;
              };
              identity: string;
              role: string;
              token: string;
              url?: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Another identity than your own: the room's owner and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such room */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description LiveKit is not configured in the gateway */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/streams': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List a user's streams, newest first */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
          /** @description Default: the caller */
          owner?: string;
          status?: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                channelArn?: string;
                channelType: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
                chatProvider: 'ivs' | 'native';
                chatRoomArn?: string;
                chatRoomId?: string;
                /** Format: date-time */
                createdAt: string;
                failureReason?: string;
                /** @description Owner and admins only */
                ingestEndpoint?: string;
                latencyMode: 'LOW' | 'NORMAL';
                ownerId: string;
                playbackUrl?: string;
                recordingConfigurationArn?: string;
                status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
                streamId: string;
                /** @description Owner and admins only (a secret) */
                streamKey?: string;
                title: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor?: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    /**
     * Create a stream (IVS channel, stream key, chat room)
     * @description Answers 202 with Location at once; with `Prefer: wait=N` (seconds, up to 60) it waits for the stream to be ready and answers 201 with it.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          prefer?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            channelType?: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
            chatProvider?: 'ivs' | 'native';
            latencyMode?: 'LOW' | 'NORMAL';
            recordingConfigurationArn?: string;
            title: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channelArn?: string;
              channelType: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
              chatProvider: 'ivs' | 'native';
              chatRoomArn?: string;
              chatRoomId?: string;
              /** Format: date-time */
              createdAt: string;
              failureReason?: string;
              /** @description Owner and admins only */
              ingestEndpoint?: string;
              latencyMode: 'LOW' | 'NORMAL';
              ownerId: string;
              playbackUrl?: string;
              recordingConfigurationArn?: string;
              status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
              streamId: string;
              /** @description Owner and admins only (a secret) */
              streamKey?: string;
              title: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
              streamId: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Only streamer, moderator and admin roles create streams */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description PROVISIONING_FAILED: the stream could not be created (the reason is in the detail) */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/streams/{streamId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a stream (ingest endpoint and key only for its owner and admins) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channelArn?: string;
              channelType: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
              chatProvider: 'ivs' | 'native';
              chatRoomArn?: string;
              chatRoomId?: string;
              /** Format: date-time */
              createdAt: string;
              failureReason?: string;
              /** @description Owner and admins only */
              ingestEndpoint?: string;
              latencyMode: 'LOW' | 'NORMAL';
              ownerId: string;
              playbackUrl?: string;
              recordingConfigurationArn?: string;
              status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
              streamId: string;
              /** @description Owner and admins only (a secret) */
              streamKey?: string;
              title: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete a stream: its channel, chat room and records */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change the title of a stream */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            title: string;
          };
        };
      };
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channelArn?: string;
              channelType: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
              chatProvider: 'ivs' | 'native';
              chatRoomArn?: string;
              chatRoomId?: string;
              /** Format: date-time */
              createdAt: string;
              failureReason?: string;
              /** @description Owner and admins only */
              ingestEndpoint?: string;
              latencyMode: 'LOW' | 'NORMAL';
              ownerId: string;
              playbackUrl?: string;
              recordingConfigurationArn?: string;
              status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
              streamId: string;
              /** @description Owner and admins only (a secret) */
              streamKey?: string;
              title: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    trace?: never;
  };
  '/v1/streams/{streamId}/stop': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop a live broadcast (409 when the stream is not live) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          streamId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channelArn?: string;
              channelType: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
              chatProvider: 'ivs' | 'native';
              chatRoomArn?: string;
              chatRoomId?: string;
              /** Format: date-time */
              createdAt: string;
              failureReason?: string;
              /** @description Owner and admins only */
              ingestEndpoint?: string;
              latencyMode: 'LOW' | 'NORMAL';
              ownerId: string;
              playbackUrl?: string;
              recordingConfigurationArn?: string;
              status: 'provisioning' | 'ready' | 'live' | 'ended' | 'failed';
              streamId: string;
              /** @description Owner and admins only (a secret) */
              streamKey?: string;
              title: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream belongs to another user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No such stream */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The stream is not live */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/system/ping/{service}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Ping a service through the bus */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          service: 'stream-svc' | 'chat-svc' | 'recording-svc' | 'fanout-svc';
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side; 504 when the service did not answer in time */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              instanceId: string;
              roundTripMs: number;
              service: string;
            };
          };
        };
        /** @description Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No bearer token, or one that is invalid or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/livekit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** LiveKit webhook receiver (signed; raw body verified) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time) */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description A copy of a webhook already taken
               * @enum {boolean}
               */
              duplicate?: true;
              /** @enum {boolean} */
              received: true;
            };
          };
        };
        /** @description A signed body that is not a JSON object, or has no id or event */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description invalid signature (why is only in our logs) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is larger than the gateway accepts */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not JSON */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds */
        429: {
          headers: {
            /** @description Seconds to wait before retrying */
            'Retry-After'?: number;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not configured */
        501: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /**
     * Problem
     * @description An error, as application/problem+json (RFC 9457)
     */
    Problem: {
      /** @description Stable, machine-readable: VALIDATION_FAILED, NOT_FOUND, RATE_LIMITED, … */
      code: string;
      /** @description What went wrong, for a person (5xx: never the internals) */
      detail: string;
      /** @description Each schema violation of a 400 VALIDATION_FAILED */
      errors?: unknown[];
      /** @description The request path (secrets in the query redacted) */
      instance?: string;
      /** @description The x-request-id of the request, for the logs */
      requestId?: string;
      status: number;
      /** @description The status code's name */
      title: string;
      /** @description `about:blank` */
      type: string;
    } & {
      [key: string]: unknown;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
