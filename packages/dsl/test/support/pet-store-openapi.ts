/**
 * The Swagger 2.0 document the loopback pet store serves at /v2/swagger.json (and as YAML at
 * /v2/swagger.yaml): the operations `call: openapi` tasks name, with the public pet store's host and
 * base path, so definitions written against it run unchanged through host aliases.
 */
const pet = { $ref: '#/definitions/Pet' };
const petId = { name: 'petId', in: 'path', required: true, type: 'integer', format: 'int64' };
const orderId = { name: 'orderId', in: 'path', required: true, type: 'integer', format: 'int64' };
const json = ['application/json'];

export function petStoreOpenApi(): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Pet store (loopback)', version: '1.0.0' },
    host: 'petstore.swagger.io',
    basePath: '/v2',
    schemes: ['https', 'http'],
    paths: {
      '/pet': {
        post: operation('addPet', [{ name: 'body', in: 'body', required: true, schema: pet }], { 200: pet, 405: undefined }),
        put: operation('updatePet', [{ name: 'body', in: 'body', required: true, schema: pet }], { 200: pet, 404: undefined }),
      },
      '/pet/findByStatus': {
        get: operation(
          'findPetsByStatus',
          [
            {
              name: 'status',
              in: 'query',
              required: true,
              type: 'array',
              items: { type: 'string', enum: ['available', 'pending', 'sold'] },
              collectionFormat: 'multi',
            },
          ],
          { 200: { type: 'array', items: pet }, 400: undefined },
        ),
      },
      '/pet/{petId}': {
        get: operation('getPetById', [petId], { 200: pet, 404: undefined }),
        delete: operation('deletePet', [{ name: 'api_key', in: 'header', required: false, type: 'string' }, petId], { 200: undefined, 404: undefined }),
        post: {
          ...operation('updatePetWithForm', [petId, { name: 'name', in: 'formData', type: 'string' }, { name: 'status', in: 'formData', type: 'string' }], {
            200: undefined,
          }),
          consumes: ['application/x-www-form-urlencoded'],
        },
      },
      '/store/inventory': { get: operation('getInventory', [], { 200: { type: 'object', additionalProperties: { type: 'integer' } } }) },
      '/store/order': {
        post: operation('placeOrder', [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Order' } }], {
          200: { $ref: '#/definitions/Order' },
        }),
      },
      '/store/order/{orderId}': {
        get: operation('getOrderById', [orderId], { 200: { $ref: '#/definitions/Order' }, 404: undefined }),
        delete: operation('deleteOrder', [orderId], { 200: undefined, 404: undefined }),
      },
    },
    definitions: {
      Pet: {
        type: 'object',
        required: ['name', 'photoUrls'],
        properties: {
          id: { type: 'integer', format: 'int64' },
          category: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
          name: { type: 'string' },
          photoUrls: { type: 'array', items: { type: 'string' } },
          tags: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
          status: { type: 'string', enum: ['available', 'pending', 'sold'] },
        },
      },
      Order: {
        type: 'object',
        properties: {
          id: { type: 'integer', format: 'int64' },
          petId: { type: 'integer', format: 'int64' },
          quantity: { type: 'integer' },
          shipDate: { type: 'string', format: 'date-time' },
          status: { type: 'string', enum: ['placed', 'approved', 'delivered'] },
          complete: { type: 'boolean' },
        },
      },
    },
  };
}

function operation(operationId: string, parameters: unknown[], responses: Record<number, unknown>): Record<string, unknown> {
  return {
    operationId,
    consumes: json,
    produces: json,
    parameters,
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, schema]) => [status, schema === undefined ? { description: status } : { description: status, schema }]),
    ),
  };
}
