from django.urls import path
from rest_framework import generics, permissions, serializers

from .models import Category


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class CategoryListView(generics.ListAPIView):
    """Trades. Small and fixed, so returned whole (no pagination)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.all()


urlpatterns = [path("categories/", CategoryListView.as_view(), name="category-list")]
