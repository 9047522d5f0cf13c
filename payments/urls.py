from django.urls import path

from payments import views

urlpatterns = [
    path("api/payment-log", views.payment_log, name="api-payment-log"),
    path("api/payment-notify", views.payment_notify, name="api-payment-notify"),
]
